"""Callers as contacts, and phone numbers read the way libphonenumber reads them."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import phonenumbers

from domain.errors import FieldError, InvalidInput


@dataclass
class Contact:
    id: int | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = None


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two spellings name one person as an agent would read them: case, spacing and accents aside."""
    return _folded(a) == _folded(b)


def _folded(name: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", name or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def to_e164(raw: str, default_region: str, pointer: str | None = "/caller/phone", parameter: str | None = None) -> str:
    """The number in E.164, or InvalidInput at `pointer` (or query `parameter`) when it cannot be a phone number."""
    try:
        parsed = phonenumbers.parse(raw, default_region)
        possible = phonenumbers.is_possible_number(parsed)
    except phonenumbers.NumberParseException:
        possible = False
    if not possible:
        raise InvalidInput("That is not a phone number.", [FieldError("not a possible phone number", pointer, parameter, code="phone")])
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# What a call keeps as its number when the caller withheld it: readable as it stands in a ticket's text.
WITHHELD = "withheld number"
# What carriers put in the caller ID when the caller hides it, as Twilio passes it on: the word, or the word
# spelled on a phone keypad (ANONYMOUS is +266696687). +7378378742833 is a keypad form seen for RESTRICTED.
_WITHHELD_WORDS = ("anonymous", "restricted", "unknown", "private", "unavailable", "blocked", "withheld")
_KEYPAD = {letter: str(key) for key, letters in enumerate(("abc", "def", "ghi", "jkl", "mno", "pqrs", "tuv", "wxyz"), 2)
           for letter in letters}
_WITHHELD = frozenset(
    {WITHHELD, *_WITHHELD_WORDS}
    | {"+" + "".join(_KEYPAD[letter] for letter in word) for word in _WITHHELD_WORDS}
    | {"+7378378742833"}
)
# Mexico dropped the "1" that marked mobiles after +52 in 2019, and carriers still deliver the old form: a
# +52 1 number has the "1" and then the ten digits every Mexican number has now.
_MX_OLD_MOBILE = "521"
_MX_NATIONAL_DIGITS = 10
# E.164 allows 15 digits; the shortest numbers in use (Niue's, say) have 7 with the country code.
_FEWEST_DIGITS, _MOST_DIGITS = 7, 15


def is_withheld(raw: str | None) -> bool:
    """Whether a caller ID says nothing about who called: missing, a carrier's word for hidden, or that word in
    keypad digits."""
    text = (raw or "").strip().lower()
    return not text or text in _WITHHELD or text.lstrip("+") in _WITHHELD_WORDS


def phone_key(phone: str | None) -> str:
    """The key two spellings of one caller share: digits after a "+", with Mexico's +52 1 mobiles folded into
    +52. Anything else (a SIP address, say) is only itself; a withheld number has no key (""). The database's
    `caller_phone_key` function says the same, so that lookups and the contacts' unique key agree."""
    if phone is None or is_withheld(phone):
        return ""
    text = phone.strip()
    if not text.startswith("+"):
        return text
    digits = phonenumbers.normalize_digits_only(text)
    if digits.startswith(_MX_OLD_MOBILE) and len(digits) == len(_MX_OLD_MOBILE) + _MX_NATIONAL_DIGITS:
        digits = "52" + digits[len(_MX_OLD_MOBILE):]
    return "+" + digits


def phone_forms(phone: str | None) -> list[str]:
    """Every spelling under which a caller's number may have been written down: as kept, its key, and for a
    Mexican number the +52 1 form as well; longest first, so that replacing them in turn leaves no piece of one.
    What erasing a caller looks for."""
    key = phone_key(phone)
    if not key:
        return []
    assert phone is not None  # None has no key
    forms = {phone.strip(), key}
    if key.startswith("+52") and len(key) == 3 + _MX_NATIONAL_DIGITS:
        forms.add("+521" + key[3:])
    return sorted(forms, key=lambda form: (-len(form), form))


def can_text(phone: str | None) -> bool:
    """Whether an SMS can be sent to this number: a "+" and as many digits as a number can have, not withheld
    (a +52 1 number counts, though libphonenumber calls it invalid)."""
    text = (phone or "").strip()
    return (text.startswith("+") and text[1:].isdigit() and _FEWEST_DIGITS <= len(text) - 1 <= _MOST_DIGITS
            and not is_withheld(text))


def caller_phone_key(raw: str, default_region: str, parameter: str) -> str:
    """The key a number typed into a filter matches callers by: as typed when it already names a caller's
    number in international form (a +52 1 mobile included), else read by libphonenumber, which answers an
    impossible one with InvalidInput at `parameter`. A withheld caller ID names no one, so it is refused too."""
    if is_withheld(raw):
        raise InvalidInput("A withheld caller ID names no caller.",
                           [FieldError("a withheld caller ID, not a phone number", None, parameter, code="phone")])
    key = phone_key(raw)
    if can_text(raw):
        return key
    return phone_key(to_e164(key or raw, default_region, pointer=None, parameter=parameter))
