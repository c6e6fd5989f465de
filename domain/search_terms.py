"""How text typed into a search box is read before PostgreSQL is asked: compounds joined as the index also keeps
them, and the runs of digits that stand for a ticket number or a phone (migration 013 indexes both)."""
from __future__ import annotations

import re

# The shortest runs the digit indexes answer (digit_suffixes(number, 2) and digit_suffixes(phone, 4)): one digit
# is in almost every number, and fewer than four of a phone are in thousands of them.
NUMBER_RUN_SHORTEST = 2
PHONE_RUN_SHORTEST = 4
# Longer than any number (12 digits) or phone (E.164 has 15, with room for a written-out trunk prefix): no match.
_LONGEST_RUN = 20

_COMPOUND_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_NUMBER_TYPED = re.compile(r"(?:INC)?\s*([0-9]+)", re.IGNORECASE)
_PHONE_TYPED = re.compile(r"\+?[0-9 ().\-]+")


def joined_compounds(text: str) -> str:
    """`text` with its hyphenated compounds joined ("Wi-Fi" is "WiFi"): the index holds each compound both ways,
    so the joined form finds "wifi" and "Wi-Fi" alike. A hyphen that is not between two word characters stays,
    as websearch's "-word" (without) does."""
    return _COMPOUND_HYPHEN.sub("", text)


def number_run(text: str) -> str | None:
    """The digits of `text` when it is a ticket number or part of one, with or without INC ("0019", "inc19");
    None for anything else."""
    typed = _NUMBER_TYPED.fullmatch(text.strip())
    if typed is None or not NUMBER_RUN_SHORTEST <= len(typed[1]) <= _LONGEST_RUN:
        return None
    return typed[1]


def phone_run(text: str) -> str | None:
    """The digits of `text` when it is a phone number or part of one, written as people write them
    ("+1 (415) 555-0134", "555 0134", "0134"); None for anything else or fewer than PHONE_RUN_SHORTEST digits."""
    typed = text.strip()
    if not _PHONE_TYPED.fullmatch(typed):
        return None
    digits = re.sub(r"[^0-9]", "", typed)
    return digits if PHONE_RUN_SHORTEST <= len(digits) <= _LONGEST_RUN else None


def prefix_query(text: str) -> str:
    """Every word of `text` as a prefix, all required, as to_tsquery reads it: "wifi lent" is 'wifi':* & 'lent':*."""
    words = re.findall(r"\w+", text.lower())[:8]
    # \w+ leaves no quote or backslash to escape, so each word is one quoted lexeme and never query syntax.
    return " & ".join(f"'{word}':*" for word in words) or "'nothing_to_find'"


def digits_query(digits: str) -> str:
    """The prefix query that finds a run of digits among a value's digit suffixes, as to_tsquery reads it."""
    return f"'{digits}':*"  # digits only: nothing to escape
