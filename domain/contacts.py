"""Callers as contacts, and phone numbers read the way libphonenumber reads them."""
from __future__ import annotations

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
