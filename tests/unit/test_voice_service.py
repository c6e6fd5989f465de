"""The phone conversation's rules, against the in-memory unit of work: a caller is one contact in either spelling
of a Mexican mobile, a withheld number has none and hears no one's tickets, status by phone reads only the
caller's own tickets, and the greeting offers the major incident under way, which one key joins."""
from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from domain.contacts import Contact
from domain.schemas.calls import TwilioForm
from domain.services import voice
from domain.settings import Settings
from domain.tickets import Channel, Ticket
from domain.voice_script import Listen, Say, Step
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeUnitOfWork

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SETTINGS = Settings(SEED_DEMO_DATA=False, PUBLIC_BASE_URL="https://desk.example.com")
SIDS = count(1)


def form(phone: str, **fields: str) -> TwilioForm:
    return TwilioForm(CallSid=f"CA{next(SIDS):032x}", From=phone, To="+15005550006", **fields)


def heard(steps: list[Step]) -> str:
    """Everything the caller hears, in order."""
    words: list[str] = []
    for step in steps:
        if isinstance(step, Say):
            words.append(step.words)
        elif isinstance(step, Listen):
            words += [prompt.words for prompt in step.prompts]
    return " ".join(words)


def ticket(desk: DeskState, number: str, caller: Contact | None, group: str = "Network team",
           affected: int = 1) -> Ticket:
    made = Ticket(number=number, short_description="The wifi on floor 3 is down", opened_at=NOW, opened_by="t",
                  channel=Channel.PHONE, id=len(desk.tickets) + 100, caller=caller,
                  caller_id=caller.id if caller else None, assignment_group=group, affected_callers=affected)
    desk.tickets[number] = made
    desk.activity[made.id or 0] = []
    return made


def test_a_mexican_mobile_in_either_form_is_one_caller_and_a_withheld_number_is_none():
    desk = DeskState()
    on_own_loop(voice.answer_call(form("+5215512345678"), NOW, SETTINGS, FakeUnitOfWork(desk)))
    on_own_loop(voice.answer_call(form("+525512345678"), NOW, SETTINGS, FakeUnitOfWork(desk)))
    assert len(desk.contacts) == 1
    assert {c.from_phone for c in desk.calls.values()} == {"+5215512345678", "+525512345678"}  # as Twilio sent it
    assert len({c.contact_id for c in desk.calls.values()}) == 1
    on_own_loop(voice.answer_call(form("anonymous"), NOW, SETTINGS, FakeUnitOfWork(desk)))
    withheld = [c for c in desk.calls.values() if c.contact_id is None]
    assert len(withheld) == 1 and len(desk.contacts) == 1


def test_status_by_phone_reads_the_callers_own_tickets_and_no_one_elses():
    desk = DeskState()
    caller = Contact(1, "Ana", "+5215512345678", None, "es")
    desk.contacts[1] = caller
    ticket(desk, "INC0010001", caller)
    ticket(desk, "INC0010002", Contact(2, "Otro", "+34600111222", None, "es"))
    mine = heard(on_own_loop(voice.choose(form("+525512345678", Digits="2"), 1, NOW, SETTINGS, FakeUnitOfWork(desk))).steps)
    assert "Tiene una incidencia abierta" in mine and "Network team" in mine
    asked = form("+525512345678", Digits="0010002")
    theirs = heard(on_own_loop(voice.tell_status(asked, NOW, SETTINGS, FakeUnitOfWork(desk))))
    assert "Network team" not in theirs
    withheld = heard(on_own_loop(voice.choose(form("anonymous", Digits="2"), 1, NOW, SETTINGS, FakeUnitOfWork(desk))).steps)
    assert "Network team" not in withheld


def test_the_greeting_names_the_major_incident_and_one_key_joins_it():
    desk = DeskState()
    ticket(desk, "INC0010001", None, affected=SETTINGS.OUTAGE_MEDIUM_IMPACT_CALLERS)
    first = form("+14155550134")
    greeting = heard(on_own_loop(voice.answer_call(first, NOW, SETTINGS, FakeUnitOfWork(desk))))
    assert "The wifi on floor 3 is down" in greeting and "press 3" in greeting
    pressed = TwilioForm(CallSid=first.CallSid, From=first.From, To=first.To, Digits="3")
    reply = on_own_loop(voice.choose(pressed, 1, NOW, SETTINGS, FakeUnitOfWork(desk)))
    assert reply.start_pipeline and desk.calls[first.CallSid].intent == "joined"
    assert desk.tickets["INC0010001"].affected_callers == SETTINGS.OUTAGE_MEDIUM_IMPACT_CALLERS + 1
    again = on_own_loop(voice.choose(pressed, 1, NOW, SETTINGS, FakeUnitOfWork(desk)))  # Twilio's retry
    assert again.start_pipeline and desk.tickets["INC0010001"].affected_callers == SETTINGS.OUTAGE_MEDIUM_IMPACT_CALLERS + 1


def test_with_no_incident_under_way_the_greeting_offers_only_the_menu():
    greeting = heard(on_own_loop(voice.answer_call(form("+14155550134"), NOW, SETTINGS, FakeUnitOfWork(DeskState()))))
    assert "press 3" not in greeting and "To report a problem, press 1" in greeting
