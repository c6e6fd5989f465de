"""The requester hears back by SMS and answers by SMS, on real PostgreSQL, with Twilio's SDK talking to the loopback
stand-in for its Messages API: the outbox, bursts, quiet hours, opt-out, replies, delivery states and ratings."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from domain.adapters.telephony import TwilioTelephony
from domain.auth import ROLE_PERMISSIONS, Principal
from domain.contacts import Contact
from domain.ports import OutgoingMail
from domain.schemas.tickets import CommentIn, TicketPatch
from domain.services import inbound, notifications, satisfaction
from domain.services.inbound import SmsIn
from domain.services.tickets import add_comment, list_activity, open_ticket, update_ticket
from domain.tickets import Channel, CloseCode
from tests.conftest import on_own_loop
from tests.integration.conftest import DESK_PHONE, TOKEN
from tests.random_refs import random_phone, random_word

AGENT = Principal("ana@example.com", "user", ROLE_PERMISSIONS["agent"])


class NoMail:
    """A desk without e-mail in these tests: the SMS side is what they look at."""

    async def send(self, mail: OutgoingMail) -> str:
        raise AssertionError(f"no e-mail expected, got one to {mail.to}")


@pytest.fixture
def desk(settings, saas):
    return settings.model_copy(update={
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": SecretStr(TOKEN), "TWILIO_PHONE_NUMBER": DESK_PHONE,
        "TWILIO_API_BASE_URL": saas.base, "SMTP_HOST": "", "QUIET_HOURS": "", "NOTIFY_QUIET_SECONDS": 60,
        "NOTIFY_MAX_WAIT_SECONDS": 300})


def later(seconds: float) -> datetime:
    """A moment after now: the outbox's events carry the database's clock, and its bursts end by it."""
    return datetime.now(UTC) + timedelta(seconds=seconds)


def a_ticket(uow, phone: str, *, language: str = "es", impact: int = 3, urgency: int = 3, email: str | None = None):
    async def make():
        async with uow:
            caller = await uow.contacts.find_or_add(Contact(name="Lucía García", phone=phone, email=email,
                                                            language=language))
            ticket = await open_ticket(uow, "ana@example.com", datetime.now(UTC), caller=caller,
                                       short_description=f"La impresora {random_word()} no imprime", description="",
                                       channel=Channel.PHONE, impact=impact, urgency=urgency)
            await uow.commit()
            return ticket

    return on_own_loop(make())


def tell(desk, uow, at: datetime) -> tuple[int, int]:
    async def run():
        queued = await notifications.queue_messages(at, desk, uow)
        return queued, await notifications.send_due(at, desk, uow, TwilioTelephony(desk), NoMail())

    return on_own_loop(run())


def texts_to(saas, phone: str) -> list[str]:
    return [m["Body"] for m in saas.sms if m["To"] == phone]


def test_a_burst_of_comments_is_one_sms_after_it_ends_and_shows_in_the_activity(desk, uow, saas, db):
    phone = random_phone()
    ticket = a_ticket(uow, phone)
    for words in ("Estamos revisando la impresora.", "Ya pedimos el tóner."):
        on_own_loop(add_comment(ticket.number, CommentIn(body=words), AGENT, datetime.now(UTC), uow))
    on_own_loop(add_comment(ticket.number, CommentIn(body="interno", visibility="internal"), AGENT,
                            datetime.now(UTC), uow))

    assert tell(desk, uow, later(10)) == (0, 0)  # still inside the burst
    assert texts_to(saas, phone) == []
    assert tell(desk, uow, later(61)) == (1, 1)
    assert texts_to(saas, phone) == [f"Atiende {ticket.number}: Estamos revisando la impresora. Ya pedimos el "
                                     "tóner. Responda a este mensaje para contestarnos."]
    assert saas.sms[-1]["StatusCallback"].endswith("/api/sms/status")
    assert tell(desk, uow, later(120)) == (0, 0)  # told once

    sid = db.execute("SELECT provider_id FROM notifications WHERE recipient = %s", (phone,)).fetchone()[0]
    assert on_own_loop(notifications.record_delivery(sid, "delivered", None, datetime.now(UTC), uow))
    assert not on_own_loop(notifications.record_delivery(sid, "sent", None, datetime.now(UTC), uow))  # late, stale
    sent = [a for a in on_own_loop(list_activity(ticket.number, uow)) if a.kind == "notification"]
    assert [(a.field, a.old_value, a.new_value) for a in sent] == [("sms", phone, "delivered")]
    assert "interno" not in sent[0].body


def test_a_comment_written_by_the_requester_is_not_texted_back(desk, uow, saas):
    phone = random_phone()
    ticket = a_ticket(uow, phone)
    on_own_loop(add_comment(ticket.number, CommentIn(body="sigue igual", from_caller=True), AGENT,
                            datetime.now(UTC), uow))
    assert tell(desk, uow, later(400)) == (0, 0) and texts_to(saas, phone) == []


def test_quiet_hours_hold_non_urgent_messages_until_morning_and_not_urgent_ones(desk, uow, saas, db):
    night = desk.model_copy(update={"QUIET_HOURS": "00:00-23:59", "DESK_TIME_ZONE": "UTC"})
    calm, urgent = random_phone(), random_phone()
    for phone, level in ((calm, 3), (urgent, 1)):  # priority 5, and priority 1
        ticket = a_ticket(uow, phone, impact=level, urgency=level)
        on_own_loop(add_comment(ticket.number, CommentIn(body="Hola"), AGENT, datetime.now(UTC), uow))
    tell(night, uow, later(400))
    assert texts_to(saas, calm) == [] and len(texts_to(saas, urgent)) == 1
    waiting = db.execute("SELECT send_after, status FROM notifications WHERE recipient = %s", (calm,)).fetchone()
    assert waiting[1] == "queued" and waiting[0] > datetime.now(UTC)


def test_stop_ends_sms_and_start_brings_it_back(desk, uow, saas):
    phone = random_phone()
    ticket = a_ticket(uow, phone)
    assert on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, "STOP"), datetime.now(UTC), desk,
                                        uow)) is None
    on_own_loop(add_comment(ticket.number, CommentIn(body="¿Sigue fallando?"), AGENT, datetime.now(UTC), uow))
    tell(desk, uow, later(400))
    assert texts_to(saas, phone) == []
    on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, "start"), datetime.now(UTC), desk, uow))
    on_own_loop(add_comment(ticket.number, CommentIn(body="¿Y ahora?"), AGENT, datetime.now(UTC), uow))
    tell(desk, uow, later(400))
    assert len(texts_to(saas, phone)) == 1 and "¿Y ahora?" in texts_to(saas, phone)[0]


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


def test_replies_by_sms_become_comments_ask_which_or_open_a_ticket(desk, uow, db):
    phone, stranger = random_phone(), random_phone()
    first = a_ticket(uow, phone)
    now = datetime.now(UTC)
    once = new_sid()
    reply = on_own_loop(inbound.take_sms(SmsIn(once, phone, "Ya la reinicié"), now, desk, uow))
    assert reply == f"Añadimos su mensaje a la incidencia {first.number}."
    # Twilio delivers the same message again: nothing more happens.
    assert on_own_loop(inbound.take_sms(SmsIn(once, phone, "Ya la reinicié"), now, desk, uow)) is None
    comments = [a.body for a in on_own_loop(list_activity(first.number, uow)) if a.kind == "comment"]
    assert comments == ["Ya la reinicié"]

    second = a_ticket(uow, phone)
    asked = on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, "Sigue igual"), now, desk, uow))
    assert second.number in asked and first.number in asked
    answered = on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, f"{first.number} por favor"), now, desk, uow))
    assert first.number in answered
    comments = [a.body for a in on_own_loop(list_activity(first.number, uow)) if a.kind == "comment"]
    assert comments[-1] == f"Sigue igual\n\n{first.number} por favor"
    assert [a for a in on_own_loop(list_activity(second.number, uow)) if a.kind == "comment"] == []

    opened = on_own_loop(inbound.take_sms(SmsIn(new_sid(), stranger, "My laptop will not start"), now, desk, uow))
    number = opened.split()[4]  # "We logged your ticket INC..."
    row = db.execute("SELECT t.channel, c.phone, c.language FROM tickets t JOIN contacts c ON c.id = t.caller_id"
                     " WHERE t.number = %s", (number.rstrip("."),)).fetchone()
    assert row == ("sms", stranger, "en")


def test_a_resolution_asks_for_a_rating_and_a_low_one_flags_the_ticket(desk, uow, saas, db):
    phone = random_phone()
    ticket = a_ticket(uow, phone)
    on_own_loop(update_ticket(ticket.number, TicketPatch(state="resolved", close_code=CloseCode.SOLVED_REMOTELY,
                                                         close_notes="Cambiamos el cable de red."),
                              None, AGENT, datetime.now(UTC), uow))
    tell(desk, uow, later(400))
    [text] = texts_to(saas, phone)
    assert "Hemos resuelto su incidencia: Cambiamos el cable de red." in text and "del 1 (mal) al 5" in text

    thanks = on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, "2 - tardaron mucho"), datetime.now(UTC), desk, uow))
    assert thanks == "Gracias por su valoración."
    rating = db.execute("SELECT s.rating, s.comment, s.flagged FROM satisfaction s JOIN tickets t ON t.id = s.ticket_id"
                        " WHERE t.number = %s", (ticket.number,)).fetchone()
    assert rating == (2, "tardaron mucho", True)
    state = db.execute("SELECT state FROM tickets WHERE number = %s", (ticket.number,)).fetchone()[0]
    assert state == 6  # a low rating reopens nothing
    notes = [a.body for a in on_own_loop(list_activity(ticket.number, uow)) if a.kind == "work_note"]
    assert "The requester rated this ticket 2/5, with a comment. Flagged for a lead." in notes
    summary = on_own_loop(satisfaction.summary(datetime.now(UTC), 8, uow))
    assert ticket.number in [f["number"] for f in summary["flagged"]]
    # A second "5" is no second rating: the question was answered; it becomes a comment that reopens the ticket.
    on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, "5"), datetime.now(UTC), desk, uow))
    assert db.execute("SELECT count(*) FROM satisfaction s JOIN tickets t ON t.id = s.ticket_id WHERE t.number = %s"
                      " AND rating = 5", (ticket.number,)).fetchone()[0] == 0


def test_a_message_twilio_refuses_is_retried_then_failed(desk, uow, db):
    phone = random_phone()
    ticket = a_ticket(uow, phone)
    on_own_loop(add_comment(ticket.number, CommentIn(body="Hola"), AGENT, datetime.now(UTC), uow))
    down = desk.model_copy(update={"TWILIO_API_BASE_URL": "http://127.0.0.1:9", "NOTIFY_MAX_ATTEMPTS": 2})
    at = later(400)

    async def run(when):
        return await notifications.send_due(when, down, uow, TwilioTelephony(down), NoMail())

    on_own_loop(notifications.queue_messages(at, down, uow))
    assert on_own_loop(run(at)) == 0
    row = db.execute("SELECT status, attempts, send_after FROM notifications WHERE recipient = %s", (phone,)).fetchone()
    assert row[:2] == ("queued", 1) and row[2] >= at + timedelta(minutes=1)
    assert on_own_loop(run(at + timedelta(minutes=2))) == 0
    row = db.execute("SELECT status, attempts, last_error FROM notifications WHERE recipient = %s", (phone,)).fetchone()
    assert row[:2] == ("failed", 2) and "Twilio" in row[2]


def test_erasing_a_requester_removes_their_messages_both_ways(desk, uow, saas, db, azurite):
    from domain.adapters.blobs import AzureBlobs
    from domain.services.callers_data import erase_caller

    phone = random_phone()
    on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, "Mi nombre es Rosa Prieto y mi monitor falla"),
                                 datetime.now(UTC), desk, uow))
    number, contact = db.execute("SELECT t.number, t.caller_id FROM tickets t JOIN contacts c ON c.id = t.caller_id"
                                 " WHERE c.phone = %s", (phone,)).fetchone()
    on_own_loop(add_comment(number, CommentIn(body="Hola Rosa, ¿qué modelo es?"), AGENT, datetime.now(UTC), uow))
    tell(desk, uow, later(400))
    admin = Principal("admin@example.com", "user", ROLE_PERMISSIONS["admin"])

    async def erase():
        blobs = AzureBlobs(desk.model_copy(update={"AzureWebJobsStorage": azurite}))
        try:
            return await erase_caller(contact, admin, datetime.now(UTC), desk, uow, blobs)
        finally:
            await blobs.close()

    on_own_loop(erase())
    short, description = db.execute("SELECT short_description, description FROM tickets WHERE number = %s",
                                    (number,)).fetchone()
    assert "Rosa" not in description and "Rosa" not in short
    sent = db.execute("SELECT recipient, body FROM notifications WHERE contact_id = %s", (contact,)).fetchall()
    assert sent and all(r == "erased" and "Rosa" not in b for r, b in sent)
    assert db.execute("SELECT count(*) FROM inbound_messages WHERE sender = %s", (phone,)).fetchone()[0] == 0


def test_yes_is_an_answer_unless_they_opted_out_and_a_flood_gets_no_answer(desk, uow, db):
    phone = random_phone()
    ticket = a_ticket(uow, phone)
    reply = on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, "Yes"), datetime.now(UTC), desk, uow))
    assert ticket.number in reply  # "yes" to "we need your reply" is their answer, not an opt-in
    comments = [a.body for a in on_own_loop(list_activity(ticket.number, uow)) if a.kind == "comment"]
    assert comments == ["Yes"]

    capped = desk.model_copy(update={"INBOUND_MAX_PER_SENDER_HOUR": 2})
    second = on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, "again"), datetime.now(UTC), capped, uow))
    third = on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, "and again"), datetime.now(UTC), capped, uow))
    assert second is not None and third is None  # an auto-replier's loop ends here, unanswered
    comments = [a.body for a in on_own_loop(list_activity(ticket.number, uow)) if a.kind == "comment"]
    assert comments == ["Yes", "again"]
    assert on_own_loop(inbound.take_sms(SmsIn(new_sid(), phone, "STOP"), datetime.now(UTC), capped, uow)) is None
    assert db.execute("SELECT sms_opted_out FROM contacts WHERE phone = %s", (phone,)).fetchone()[0] is True


def test_an_sms_waits_out_a_twilio_outage_and_arrives_once(desk, uow, saas):
    phone = random_phone()
    ticket = a_ticket(uow, phone)
    on_own_loop(add_comment(ticket.number, CommentIn(body="Sent while Twilio was down."), AGENT, datetime.now(UTC), uow))
    down = desk.model_copy(update={"TWILIO_API_BASE_URL": "http://127.0.0.1:9"})
    at = later(400)

    async def send(config, when):
        return await notifications.send_due(when, config, uow, TwilioTelephony(config), NoMail())

    on_own_loop(notifications.queue_messages(at, desk, uow))
    assert on_own_loop(send(down, at)) == 0 and texts_to(saas, phone) == []
    assert on_own_loop(send(desk, at + timedelta(minutes=2))) == 1
    assert on_own_loop(send(desk, at + timedelta(minutes=30))) == 0
    assert texts_to(saas, phone) == [f"Atiende {ticket.number}: Sent while Twilio was down. Responda a este mensaje "
                                     "para contestarnos."]


def test_a_retry_waits_out_the_requesters_night_too(desk, uow, db):
    phone = random_phone()
    ticket = a_ticket(uow, phone)  # priority 5: not urgent
    on_own_loop(add_comment(ticket.number, CommentIn(body="Hola"), AGENT, datetime.now(UTC), uow))
    at = later(400)
    night = f"{(at - timedelta(hours=1)).hour:02d}:00-{(at + timedelta(hours=3)).hour:02d}:00"
    down = desk.model_copy(update={"TWILIO_API_BASE_URL": "http://127.0.0.1:9", "QUIET_HOURS": night,
                                   "DESK_TIME_ZONE": "UTC"})
    on_own_loop(notifications.queue_messages(at, desk, uow))  # queued by day, with no quiet hours
    assert on_own_loop(notifications.send_due(at, down, uow, TwilioTelephony(down), NoMail())) == 0
    send_after = db.execute("SELECT send_after FROM notifications WHERE recipient = %s", (phone,)).fetchone()[0]
    assert send_after >= at + timedelta(hours=2)  # not in a minute, in the middle of their night
