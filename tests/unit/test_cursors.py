"""Cursors read back strictly: a forged one is refused before it can reach SQL."""
import base64
import json
from datetime import UTC, datetime

import pytest

from domain import cursors
from domain.errors import InvalidInput


def forged(parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


def test_a_cursor_round_trips_with_its_kinds():
    moment = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert cursors.decode(cursors.encode("-opened_at", moment, 42), "text", "time", "int") == ["-opened_at", moment, 42]


NUMBER, CALLER, OPENED = ("text", "int", "int"), ("text", "text", "int"), ("text", "time", "int")


@pytest.mark.parametrize(("cursor", "kinds"), [
    (forged(["-number", 2 ** 63, 1]), NUMBER), (forged(["-number", 1, -(2 ** 63)]), NUMBER),
    (forged(["-number", True, 1]), NUMBER), (forged(["-number", 1.5, 1]), NUMBER), (forged(["-number", "1", 1]), NUMBER),
    (forged(["-number", 1]), NUMBER), (forged({"a": 1}), NUMBER), (forged(["-number", 1, 1, 1]), NUMBER),
    (forged(["-caller", "a\x00b", 1]), CALLER), (forged(["-caller", "\ud800", 1]), CALLER),
    (forged(["-caller", "x" * 5000, 1]), CALLER), (forged(["-caller", None, 1]), CALLER),
    (forged(["-opened_at", "2026-11-25T12:00:00", 1]), OPENED), (forged(["-opened_at", "yesterday", 1]), OPENED),
    ("!!!", NUMBER), ("", NUMBER), ("e30", NUMBER), (base64.urlsafe_b64encode(b"\xff\xfe").decode(), NUMBER),
])
def test_forged_cursors_are_refused_as_invalid_input(cursor, kinds):
    with pytest.raises(InvalidInput) as refused:
        cursors.decode(cursor, *kinds)
    assert refused.value.errors[0].parameter == "cursor"
