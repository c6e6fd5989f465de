"""Keyset cursors, one codec for every list: the values a page ended on, base64url JSON. Read back strictly, so
a forged or damaged cursor is a 422 and never reaches SQL as something its column cannot hold (a NUL, a lone
surrogate, a number past bigint, a time without its zone)."""
from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from domain.errors import FieldError, InvalidInput

_BIGINT = 2 ** 63
_LONGEST_TEXT = 1000


def encode(*parts: Any) -> str:
    raw = json.dumps([p.isoformat() if isinstance(p, datetime) else p for p in parts], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, *kinds: str) -> list[Any]:
    """The cursor's parts, each checked against its kind: "int", "text" or "time"."""
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(parts, list) or len(parts) != len(kinds):
            raise ValueError("wrong shape")
        return [_read(part, kind) for part, kind in zip(parts, kinds, strict=True)]
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as err:
        raise InvalidInput("The cursor is not one this list gave out.",
                           [FieldError("invalid cursor", parameter="cursor", code="invalid_cursor")]) from err


def _read(part: Any, kind: str) -> Any:
    if kind == "int":
        if type(part) is not int or not -_BIGINT < part < _BIGINT:
            raise ValueError("not a bigint")
        return part
    if type(part) is not str or len(part) > _LONGEST_TEXT:
        raise ValueError("not a text")
    if any(ch == "\x00" or "\ud800" <= ch <= "\udfff" for ch in part):
        raise ValueError("not text PostgreSQL can hold")
    if kind == "time":
        moment = datetime.fromisoformat(part)
        if moment.tzinfo is None:
            raise ValueError("a time without its zone")
        return moment
    return part
