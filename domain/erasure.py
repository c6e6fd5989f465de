"""What erasing a caller takes out of the words the desk wrote about them: their number in every spelling we may
have written it, their e-mail, and their name, whole or in part (an agent writes "Hola Marta")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from domain.contacts import Contact, phone_forms

# What stands where a caller's number or name was.
REDACTED = "[erased]"
# A part of a name this short ("de", "Li") is too likely to be some other word to take out on its own.
_SHORTEST_NAME_PART = 3


@dataclass(frozen=True)
class Traces:
    """A caller's traces in free text, and how to take them out."""

    literal: tuple[str, ...]  # numbers and the e-mail: taken out wherever they appear, in any case
    words: tuple[str, ...]  # the name and its parts: taken out as whole words, in any case

    @classmethod
    def of(cls, contact: Contact, other_names: tuple[str, ...] = ()) -> Traces:
        """The contact's traces, with `other_names` they went by: names given on their tickets, names the
        contact had before a rename."""
        names = {" ".join(name.split()) for name in (contact.name or "", *other_names)} - {""}
        parts = {part for name in names for part in name.split(" ") if len(part) >= _SHORTEST_NAME_PART}
        literal = [*phone_forms(contact.phone), *([contact.email.strip()] if contact.email else [])]
        # Longest first, so that the whole name goes before its parts and no piece of a longer one is left.
        words = sorted(names | parts, key=lambda word: (-len(word), word))
        return cls(tuple(literal), tuple(words))

    def __bool__(self) -> bool:
        return bool(self.literal or self.words)

    @property
    def like_patterns(self) -> list[str]:
        """ILIKE patterns that find every text holding a trace (and some that only seem to: `scrub` decides)."""
        escaped = (re.sub(r"([\\%_])", r"\\\1", trace) for trace in (*self.literal, *self.words))
        return [f"%{trace}%" for trace in escaped]

    def scrub(self, text: str | None) -> str | None:
        if not text:
            return text
        for trace in self.literal:
            text = re.sub(re.escape(trace), REDACTED, text, flags=re.IGNORECASE)
        for word in self.words:
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
        return text

    def scrub_json(self, value: object) -> object:
        """The same JSON with every string scrubbed (a kept API response, say)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_json(item) for item in value]
        if isinstance(value, dict):
            return {key: self.scrub_json(item) for key, item in value.items()}
        return value
