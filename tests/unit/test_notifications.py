"""What a requester is told and when: the events of a change, the messages they become, quiet hours, and the
words an SMS reply may carry."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.notifications import (
    SMS_MAX_CHARS,
    QuietHours,
    RequesterEvent,
    email_text,
    keyword,
    rating_in,
    requester_events,
    sms_text,
    still_told,
    ticket_number_in,
    zone_of,
)
from domain.tickets import FieldChange, OnHoldReason, State


def test_an_agents_public_comment_is_told_and_a_work_note_is_not():
    assert requester_events([], ("comment", "Reinicie el router"), by_requester=False, close_notes=None) == [
        RequesterEvent("comment", "Reinicie el router")]
    assert requester_events([], ("work_note", "internal"), by_requester=False, close_notes=None) == []


def test_nothing_the_requester_did_is_told_back_to_them():
    reopened = [FieldChange("state", State.RESOLVED, State.IN_PROGRESS)]
    assert requester_events(reopened, ("comment", "still broken"), by_requester=True, close_notes=None) == []


def test_state_moves_that_concern_the_requester():
    held = [FieldChange("state", State.IN_PROGRESS, State.ON_HOLD),
            FieldChange("on_hold_reason", None, OnHoldReason.AWAITING_CALLER)]
    assert requester_events(held, None, by_requester=False, close_notes=None) == [RequesterEvent("awaiting_you")]
    vendor = [FieldChange("state", State.IN_PROGRESS, State.ON_HOLD),
              FieldChange("on_hold_reason", None, OnHoldReason.AWAITING_VENDOR)]
    assert requester_events(vendor, None, by_requester=False, close_notes=None) == []
    resolved = [FieldChange("state", State.IN_PROGRESS, State.RESOLVED)]
    assert requester_events(resolved, None, by_requester=False, close_notes="Cambiamos el cable") == [
        RequesterEvent("resolved", "Cambiamos el cable")]
    reopened = [FieldChange("state", State.RESOLVED, State.IN_PROGRESS)]
    assert requester_events(reopened, None, by_requester=False, close_notes=None) == [RequesterEvent("reopened")]


def test_a_burst_is_one_sms_in_the_requesters_language_and_never_too_long():
    events = [RequesterEvent("comment", "First"), RequesterEvent("resolved", "Fixed the cable"),
              RequesterEvent("comment", "Second")]
    text = sms_text("INC0010012", events, "en", ask_rating=True)
    assert text.startswith("Atiende INC0010012: First We resolved your ticket: Fixed the cable Second")
    assert text.endswith("Reply with a number from 1 (bad) to 5 (great).")
    long = sms_text("INC0010012", [RequesterEvent("comment", "x" * 5000)], "es", ask_rating=False)
    assert len(long) <= SMS_MAX_CHARS and "…" in long and long.endswith("para contestarnos.")


def test_the_email_carries_every_word_and_the_rating_links():
    text = email_text("INC0010012", "Lucía García", [RequesterEvent("resolved", "x" * 3000)], "es",
                      [f"https://desk/api/satisfaction/t?rating={n}" for n in range(1, 6)])
    assert text.startswith("Hola Lucía:") and "x" * 3000 in text
    assert "  5: https://desk/api/satisfaction/t?rating=5" in text and "INC0010012 en el asunto" in text


MEXICO = ZoneInfo("America/Mexico_City")
NEW_YORK = ZoneInfo("America/New_York")


def test_quiet_hours_hold_a_message_until_the_morning_where_the_requester_is():
    quiet = QuietHours.parse("21:00-08:00")
    assert quiet is not None
    evening = datetime(2026, 12, 7, 4, 30, tzinfo=UTC)  # 22:30 the day before in Mexico City
    assert quiet.send_after(evening, MEXICO) == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # 08:00 there
    after_midnight = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # 01:00 there
    assert quiet.send_after(after_midnight, MEXICO) == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    midday = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
    assert quiet.send_after(midday, MEXICO) == midday


def test_quiet_hours_across_a_change_of_daylight_saving():
    quiet = QuietHours.parse("22-7")
    assert quiet is not None
    # New York leaves daylight saving at 02:00 on 2026-11-01: 07:00 that morning is 12:00 UTC, not 11:00.
    night = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # 23:00 EDT on October 31
    assert quiet.send_after(night, NEW_YORK) == datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_quiet_hours_settings():
    assert QuietHours.parse("") is None
    with pytest.raises(ValueError):
        QuietHours.parse("night")
    assert zone_of("Nowhere/Else", "America/Mexico_City") == MEXICO
    assert zone_of(None, "") == ZoneInfo("UTC")


@pytest.mark.parametrize(("body", "word"), [("STOP", "stop"), (" stop ", "stop"), ("Baja", "stop"),
                                            ("START", "start"), ("stop the printer", None), ("4", None)])
def test_opt_out_words(body, word):
    assert keyword(body) == word


@pytest.mark.parametrize(("body", "rating"), [("5", (5, "")), ("4 - quick, thanks", (4, "quick, thanks")),
                                              ("3/5", (3, "")), ("2. slow", (2, "slow")), ("4\nthanks", (4, "thanks")),
                                              ("6", None), ("10012", None), ("my printer", None),
                                              ("5 minutes after the restart it failed", None)])
def test_ratings_in_a_reply(body, rating):
    assert rating_in(body) == rating


def test_ticket_numbers_a_requester_writes():
    assert ticket_number_in("re: inc0010012 still broken") == "INC0010012"
    assert ticket_number_in("about #10012") == "INC0010012"
    assert ticket_number_in("call me at 5551234") is None


def test_a_burst_tells_only_the_state_the_ticket_is_still_in():
    burst = [RequesterEvent("resolved", "done"), RequesterEvent("comment", "sorry, not yet"), RequesterEvent("reopened")]
    assert still_told(burst, State.IN_PROGRESS) == [RequesterEvent("comment", "sorry, not yet"),
                                                   RequesterEvent("reopened")]
    waiting = [RequesterEvent("awaiting_you"), RequesterEvent("comment", "which model?")]
    assert still_told(waiting, State.IN_PROGRESS) == [RequesterEvent("comment", "which model?")]  # they answered
    assert still_told(waiting, State.ON_HOLD) == waiting
