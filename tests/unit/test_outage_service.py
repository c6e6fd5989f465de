"""Telling the callers of a shared problem that it is resolved, against the in-memory unit of work: once per
number and ticket however often or in whatever spelling they called, in their language, never to a withheld
number, and nothing twice when the timer runs again."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.calls import Call
from domain.services.outages import tell_callers_resolved
from domain.tickets import State, Ticket
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeTelephony, FakeUnitOfWork

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def desk_with_outage(state: State) -> DeskState:
    desk = DeskState()
    desk.tickets["INC0010001"] = Ticket(number="INC0010001", short_description="Wifi down on floor 3", opened_at=NOW,
                                        opened_by="atiende:voice", id=1, state=state, affected_callers=4,
                                        close_notes="The access point was replaced.")
    callers = [("+5215512345678", "es-MX"), ("+525512345678", "es-MX"), ("anonymous", "en-US"), ("+14155550134", "en-US")]
    for i, (phone, locale) in enumerate(callers):
        sid = f"CA{i:032d}"
        desk.calls[sid] = Call(sid=sid, from_phone=phone, locale=locale, started_at=NOW + timedelta(minutes=i),
                               ticket_id=1, ticket_number="INC0010001", joined_existing=i > 0)
    return desk


def test_every_caller_of_a_resolved_outage_is_told_once_in_their_language():
    desk, telephony = desk_with_outage(State.RESOLVED), FakeTelephony()
    assert on_own_loop(tell_callers_resolved(NOW, FakeUnitOfWork(desk), telephony)) == 2
    assert telephony.sent == [
        ("+5215512345678", "Atiende: el problema de la incidencia INC0010001 está resuelto. The access point was replaced."),
        ("+14155550134", "Atiende: the problem of ticket INC0010001 is resolved. The access point was replaced."),
    ]
    statuses = [c.resolved_sms_status for c in desk.calls.values()]
    assert statuses == ["sent", "sent_on_another_call", "no_phone", "sent"]
    assert on_own_loop(tell_callers_resolved(NOW, FakeUnitOfWork(desk), telephony)) == 0  # the next run: nothing
    assert len(telephony.sent) == 2


def test_an_open_outage_tells_nobody_and_a_desk_without_twilio_keeps_the_sms_unsent():
    desk, telephony = desk_with_outage(State.IN_PROGRESS), FakeTelephony()
    assert on_own_loop(tell_callers_resolved(NOW, FakeUnitOfWork(desk), telephony)) == 0 and telephony.sent == []
    desk = desk_with_outage(State.CLOSED)
    assert on_own_loop(tell_callers_resolved(NOW, FakeUnitOfWork(desk), FakeTelephony(configured=False))) == 0
    assert [c.resolved_sms_status for c in desk.calls.values()] == ["not_configured", "sent_on_another_call",
                                                                    "no_phone", "not_configured"]
