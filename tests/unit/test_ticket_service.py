"""The ticket service's rules against the in-memory unit of work (tests/fakes.py): numbering, audit, If-Match,
state moves, a caller's comment waking a ticket, duplicates, parent loops, auto-close, idempotent creates, and
bad input that changes nothing. The same rules run against PostgreSQL in tests/integration."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.auth import ROLE_PERMISSIONS, Principal
from domain.errors import InvalidInput, NotFound, StaleVersion, TransitionNotAllowed
from domain.schemas.tickets import CommentIn, TicketCreate, TicketPatch
from domain.services import tickets
from domain.settings import Settings
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeUnitOfWork

AGENT = Principal("ana@example.com", "user", ROLE_PERMISSIONS["agent"])
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SETTINGS = Settings(SEED_DEMO_DATA=False)


@pytest.fixture()
def desk() -> DeskState:
    state = DeskState(groups={"Network team", "Site support"}, categories={"Network": ["Wi-Fi", "VPN"]})
    return state


def create(desk: DeskState, key: str | None = None, **fields: Any) -> dict[str, Any]:
    data = TicketCreate(**{"short_description": "The VPN drops every five minutes", **fields})
    status, body, _ = on_own_loop(tickets.create_ticket(data, AGENT, key, NOW, SETTINGS, FakeUnitOfWork(desk)))
    assert status == 201
    return body


def update(desk: DeskState, number: str, if_match: int | None = None, at: datetime = NOW, **fields: Any) -> Any:
    patch = TicketPatch.model_validate_json(json.dumps(fields))  # as the door reads a request's body
    return on_own_loop(tickets.update_ticket(number, patch, if_match, AGENT, at, FakeUnitOfWork(desk)))


def test_a_new_ticket_is_numbered_new_with_its_priority_and_audited(desk):
    made = create(desk, impact=1, urgency=2, category="Network", subcategory="VPN", assignment_group="Network team")
    assert (made["number"], made["state"], made["priority"], made["version"]) == ("INC0010001", "new", 2, 1)
    assert create(desk)["number"] == "INC0010002"
    audited = {row["field"] for row in desk.activity[desk.tickets["INC0010001"].id]}
    assert {"state", "priority", "category", "subcategory", "assignment_group"} <= audited


def test_a_stale_if_match_is_refused_and_changes_nothing(desk):
    number = create(desk)["number"]
    update(desk, number, if_match=1, urgency=1)
    with pytest.raises(StaleVersion):
        update(desk, number, if_match=1, urgency=3)
    assert (desk.tickets[number].urgency, desk.tickets[number].version) == (1, 2)


def test_resolving_needs_a_code_and_notes_and_a_refused_move_changes_nothing(desk):
    number = create(desk)["number"]
    with pytest.raises(InvalidInput) as refused:
        update(desk, number, state="resolved")
    assert {e.pointer for e in refused.value.errors} == {"/close_code", "/close_notes"}
    assert desk.tickets[number].state.api_name == "new" and desk.tickets[number].version == 1
    done = update(desk, number, state="resolved", close_code="solved_permanently", close_notes="Reset the tunnel")
    assert (done.state, done.close_code) == ("resolved", "solved_permanently")


def test_unknown_references_are_refused_with_every_field_and_nothing_is_stored(desk):
    with pytest.raises(InvalidInput) as refused:
        create(desk, category="Printers", assignment_group="Nobody")
    assert {e.pointer for e in refused.value.errors} == {"/category", "/assignment_group"}
    assert desk.tickets == {}


def test_a_callers_comment_wakes_a_ticket_waiting_on_them(desk):
    number = create(desk)["number"]
    update(desk, number, state="on_hold", on_hold_reason="awaiting_caller")
    caller = Principal("caller", "user", ROLE_PERMISSIONS["agent"])
    on_own_loop(tickets.add_comment(number, CommentIn(body="It works again", from_caller=True), caller, NOW,
                            FakeUnitOfWork(desk)))
    assert desk.tickets[number].state.api_name == "in_progress"
    notes = [row["body"] for row in desk.activity[desk.tickets[number].id] if row["kind"] == "comment"]
    assert notes == ["It works again"]


def test_a_closed_ticket_takes_no_comment(desk):
    number = create(desk)["number"]
    update(desk, number, state="canceled")
    with pytest.raises(TransitionNotAllowed):
        on_own_loop(tickets.add_comment(number, CommentIn(body="Any news?"), AGENT, NOW, FakeUnitOfWork(desk)))
    assert [row["kind"] for row in desk.activity[desk.tickets[number].id]].count("comment") == 0


def test_a_duplicate_is_canceled_under_its_open_original_with_a_work_note(desk):
    original, copy = create(desk)["number"], create(desk)["number"]
    marked = on_own_loop(tickets.mark_duplicate(copy, original, AGENT, NOW, FakeUnitOfWork(desk)))
    assert (marked.state, marked.parent) == ("canceled", original)
    notes = [row["body"] for row in desk.activity[desk.tickets[copy].id] if row["kind"] == "work_note"]
    assert notes == [f"Duplicate of {original}: The VPN drops every five minutes"]
    third = create(desk)["number"]
    with pytest.raises(InvalidInput):  # a canceled ticket is no original
        on_own_loop(tickets.mark_duplicate(third, copy, AGENT, NOW, FakeUnitOfWork(desk)))


def test_a_parent_that_would_make_a_loop_is_refused(desk):
    first, second = create(desk)["number"], create(desk)["number"]
    update(desk, second, parent=first)
    with pytest.raises(InvalidInput) as refused:
        update(desk, first, parent=second)
    assert [e.code for e in refused.value.errors] == ["loop"]
    assert desk.tickets[first].parent is None


def test_only_tickets_resolved_long_enough_ago_close_on_their_own(desk):
    old, recent = create(desk)["number"], create(desk)["number"]
    days = SETTINGS.AUTO_CLOSE_DAYS
    update(desk, old, state="resolved", close_code="solved_permanently", close_notes="x",
           at=NOW - timedelta(days=days + 1))
    update(desk, recent, state="resolved", close_code="solved_permanently", close_notes="x", at=NOW)
    closed = on_own_loop(tickets.close_resolved_tickets(NOW, SETTINGS, FakeUnitOfWork(desk)))
    assert closed == [old]
    assert (desk.tickets[old].state.api_name, desk.tickets[recent].state.api_name) == ("closed", "resolved")


def test_a_retried_create_with_its_key_replays_the_answer_and_another_body_is_refused(desk):
    first = create(desk, key="retry-1")
    again = create(desk, key="retry-1")
    assert again == first and len(desk.tickets) == 1
    with pytest.raises(InvalidInput):
        create(desk, key="retry-1", short_description="Another problem")
    assert len(desk.tickets) == 1


def test_a_ticket_that_is_not_there_is_not_found(desk):
    for number in ("INC0099999", "not-a-number"):
        with pytest.raises(NotFound):
            on_own_loop(tickets.get_ticket(number, NOW, FakeUnitOfWork(desk)))


def test_time_worked_on_comments_and_notes_adds_up_on_the_ticket(desk):
    number = create(desk)["number"]
    noted = on_own_loop(tickets.add_comment(number, CommentIn(body="Rebooted the router", visibility="internal",
                                                              time_worked_minutes=25), AGENT, NOW,
                                            FakeUnitOfWork(desk)))
    assert noted.time_worked_minutes == 25
    on_own_loop(tickets.add_comment(number, CommentIn(body="Called back", time_worked_minutes=5), AGENT, NOW,
                                    FakeUnitOfWork(desk)))
    on_own_loop(tickets.add_comment(number, CommentIn(body="No time"), AGENT, NOW, FakeUnitOfWork(desk)))
    assert on_own_loop(tickets.get_ticket(number, NOW, FakeUnitOfWork(desk))).time_worked_minutes == 30


def test_a_callers_comment_records_no_time_worked(desk):
    number = create(desk)["number"]
    caller = Principal("+15550001", "user", ROLE_PERMISSIONS["agent"])
    with pytest.raises(InvalidInput) as refused:
        on_own_loop(tickets.add_comment(number, CommentIn(body="Hi", from_caller=True, time_worked_minutes=3), caller,
                                        NOW, FakeUnitOfWork(desk)))
    assert refused.value.errors[0].pointer == "/time_worked_minutes"
