"""A caller's data against the fakes: erasing them deletes their recordings first, anonymizes their calls and
phone tickets with a note on each ticket, and is harmless a second time; retention forgets only old calls'
recordings and transcripts, and 0 days keeps them."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.auth import ROLE_PERMISSIONS, Principal
from domain.calls import Call
from domain.contacts import Contact
from domain.errors import DependencyUnavailable, NotFound
from domain.services.callers_data import ERASED, erase_caller, forget_old_recordings
from domain.settings import Settings
from domain.tickets import Channel, Ticket
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeBlobs, FakeUnitOfWork

ADMIN = Principal("admin@example.com", "user", ROLE_PERMISSIONS["admin"])
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SETTINGS = Settings()
PHONE = "+5215512345678"


def desk_with_a_caller() -> tuple[DeskState, FakeBlobs, str, str]:
    desk, blobs = DeskState(), FakeBlobs()
    desk.contacts[7] = Contact(id=7, name="Marta Gil", phone=PHONE, email="marta@example.com", language="es")
    ticket = on_own_loop(FakeUnitOfWork(desk).tickets.add(Ticket(
        number="", short_description="Impresora de Marta Gil", description="Soy Marta Gil, mi impresora no imprime",
        opened_at=NOW - timedelta(days=40), opened_by="atiende:voice", channel=Channel.PHONE, caller_id=7)))
    for n, days in enumerate((40, 2)):
        sid = f"CA{n:032x}"
        desk.calls[sid] = Call(sid=sid, from_phone=PHONE, locale="es-MX", started_at=NOW - timedelta(days=days),
                               contact_id=7, speech_text="Soy Marta Gil", transcript="Soy Marta Gil, mi impresora",
                               recording_blob=f"{sid}/recording.wav", ticket_id=ticket.id, sms_body="Su número...")
        on_own_loop(blobs.put(SETTINGS.RECORDINGS_CONTAINER, f"{sid}/recording.wav", b"RIFF", "audio/wav"))
    return desk, blobs, ticket.number, "CA" + "0" * 32


def test_erasing_a_caller_deletes_recordings_anonymizes_calls_and_tickets_and_notes_it_once_per_ticket():
    desk, blobs, number, _ = desk_with_a_caller()
    erased = on_own_loop(erase_caller(7, ADMIN, NOW, SETTINGS, FakeUnitOfWork(desk), blobs))
    assert erased == {"contact_id": 7, "calls": 2, "tickets": 1, "recordings_deleted": 2}
    assert blobs.stored == {}
    assert {(c.from_phone, c.transcript, c.speech_text, c.recording_blob, c.sms_body) for c in desk.calls.values()} \
        == {("erased", None, None, None, ERASED)}
    ticket = desk.tickets[number]
    assert ticket.description == ERASED and "Marta" not in ticket.short_description
    assert desk.contacts[7].name is None and desk.contacts[7].phone is None
    notes = [a["body"] for a in desk.activity[ticket.id] if a["kind"] == "work_note"]
    assert len(notes) == 1 and "erased by admin@example.com" in notes[0]
    again = on_own_loop(erase_caller(7, ADMIN, NOW, SETTINGS, FakeUnitOfWork(desk), blobs))
    assert again["recordings_deleted"] == 0
    with pytest.raises(NotFound):
        on_own_loop(erase_caller(99, ADMIN, NOW, SETTINGS, FakeUnitOfWork(desk), blobs))


def test_while_storage_is_down_nothing_is_erased_so_that_running_it_again_finishes_the_job():
    desk, blobs, number, _ = desk_with_a_caller()
    blobs.down = True
    with pytest.raises(DependencyUnavailable):
        on_own_loop(erase_caller(7, ADMIN, NOW, SETTINGS, FakeUnitOfWork(desk), blobs))
    assert desk.contacts[7].name == "Marta Gil" and desk.tickets[number].description.startswith("Soy Marta")


def test_retention_forgets_only_old_calls_and_keeps_everything_when_it_is_zero():
    desk, blobs, number, old = desk_with_a_caller()
    assert on_own_loop(forget_old_recordings(0, NOW, SETTINGS, FakeUnitOfWork(desk), blobs)) == 0
    assert on_own_loop(forget_old_recordings(30, NOW, SETTINGS, FakeUnitOfWork(desk), blobs)) == 1
    recent = next(c for sid, c in desk.calls.items() if sid != old)
    assert desk.calls[old].transcript is None and recent.transcript is not None
    assert list(blobs.stored) == [(SETTINGS.RECORDINGS_CONTAINER, f"{recent.sid}/recording.wav")]
    ticket = desk.tickets[number]
    assert any(old in a["body"] and "30 days" in a["body"] for a in desk.activity[ticket.id])
    assert on_own_loop(forget_old_recordings(30, NOW, SETTINGS, FakeUnitOfWork(desk), blobs)) == 0
