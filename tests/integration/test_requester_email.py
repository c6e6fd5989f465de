"""The e-mail channel on real servers: the desk sends through devhost's SMTP server into the requester's dovecot
mailbox, and reads its own mailbox over IMAP into tickets and comments, with attachments kept in Azurite."""
from __future__ import annotations

import imaplib
import smtplib
import uuid
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import httpx
import pytest
from pydantic import SecretStr

from domain.adapters.blobs import AzureBlobs
from domain.adapters.mail import ImapMailbox, SmtpMailer
from domain.auth import ROLE_PERMISSIONS, Principal
from domain.contacts import Contact
from domain.schemas.tickets import CommentIn, TicketPatch
from domain.services import inbound, notifications, requesters, satisfaction
from domain.services.tickets import add_comment, list_activity, open_ticket, update_ticket
from domain.tickets import Channel, CloseCode
from tests.conftest import on_own_loop
from tests.random_refs import random_word

AGENT = Principal("ana@example.com", "user", ROLE_PERMISSIONS["agent"])


class NoSms:
    async def send_sms(self, to: str, body: str, status_callback: str | None = None) -> str | None:
        raise AssertionError("no SMS expected")

    async def download_recording(self, url: str) -> bytes:
        raise AssertionError("no recording")


@pytest.fixture
def desk(settings, mail_servers, azurite):
    """A desk with a mailbox of its own (every address is one on devhost's dovecot), no Twilio, no quiet hours."""
    imap, smtp = mail_servers
    return settings.model_copy(update={
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp, "IMAP_HOST": "127.0.0.1", "IMAP_PORT": imap,
        "MAIL_FROM": f"desk-{uuid.uuid4().hex[:8]}@atiende.test", "IMAP_PASSWORD": SecretStr("desk"),
        "TWILIO_ACCOUNT_SID": "", "QUIET_HOURS": "", "NOTIFY_QUIET_SECONDS": 0, "NOTIFY_MAX_WAIT_SECONDS": 0,
        "AzureWebJobsStorage": azurite, "PUBLIC_BASE_URL": "http://desk.example"})


def with_mailbox(desk):
    return desk.model_copy(update={"IMAP_USERNAME": desk.MAIL_FROM})


def requester() -> str:
    return f"lucia-{uuid.uuid4().hex[:8]}@example.test"


def mailbox_of(address: str, port: int) -> list[EmailMessage]:
    client = imaplib.IMAP4("127.0.0.1", port)
    try:
        client.login(address, "any")
        client.select("INBOX")
        found = client.uid("SEARCH", "ALL")[1][0].split()
        messages = []
        for uid in found:
            data = client.uid("FETCH", uid, "(BODY.PEEK[])")[1]
            messages.append(BytesParser(policy=policy.default).parsebytes(bytes(data[0][1])))
        return messages
    finally:
        client.logout()


def send(message: EmailMessage, port: int) -> None:
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(message)


def tell(desk, uow) -> int:
    async def run():
        at = datetime.now(UTC) + timedelta(seconds=1)
        await notifications.queue_messages(at, desk, uow)
        return await notifications.send_due(at, desk, uow, NoSms(), SmtpMailer(desk))

    return on_own_loop(run())


def read(desk, uow) -> dict[str, int]:
    async def run():
        blobs = AzureBlobs(desk)
        try:
            return await inbound.read_mailbox(datetime.now(UTC), desk, uow, ImapMailbox(with_mailbox(desk)), blobs)
        finally:
            await blobs.close()

    return on_own_loop(run())


def a_ticket(uow, email: str, language: str = "en"):
    async def make():
        async with uow:
            caller = await uow.contacts.find_or_add(Contact(name="Lucía García", email=email, language=language))
            ticket = await open_ticket(uow, "ana@example.com", datetime.now(UTC), caller=caller,
                                       short_description=f"Printer {random_word()} jams", description="",
                                       channel=Channel.WEB, impact=3, urgency=3)
            await uow.commit()
            return ticket

    return on_own_loop(make())


def test_an_agents_reply_arrives_by_email_and_the_requesters_answer_becomes_a_comment(desk, uow, mail_servers):
    imap, smtp = mail_servers
    address = requester()
    ticket = a_ticket(uow, address)
    on_own_loop(add_comment(ticket.number, CommentIn(body="Please restart the printer."), AGENT,
                            datetime.now(UTC), uow))
    assert tell(desk, uow) == 1

    [received] = mailbox_of(address, imap)
    assert received["Subject"] == f"[{ticket.number}] {ticket.short_description}"
    assert received["From"] == desk.MAIL_FROM and received["Auto-Submitted"] == "auto-generated"
    assert "Please restart the printer." in received.get_content()
    sent = [a for a in on_own_loop(list_activity(ticket.number, uow)) if a.kind == "notification"]
    assert [(a.field, a.old_value, a.new_value) for a in sent] == [("email", address, "sent")]

    answer = EmailMessage()
    answer["From"], answer["To"] = f"Lucía García <{address}>", desk.MAIL_FROM
    answer["Subject"] = "Re: " + received["Subject"].replace(ticket.number, "")  # the number lost: threading finds it
    answer["Message-ID"] = f"<{uuid.uuid4().hex}@example.test>"
    answer["In-Reply-To"] = received["Message-ID"]
    answer.set_content("Done, it prints now.\n\nOn Monday, Atiende wrote:\n> Please restart the printer.")
    send(answer, smtp)
    assert read(desk, uow) == {"commented": 1}
    assert read(desk, uow) == {}  # marked seen once its comment was committed
    comments = [a for a in on_own_loop(list_activity(ticket.number, uow)) if a.kind == "comment"]
    assert (comments[-1].body, comments[-1].actor) == ("Done, it prints now.", address)

    # The agent's next reply threads under the first.
    on_own_loop(add_comment(ticket.number, CommentIn(body="Great, closing soon."), AGENT, datetime.now(UTC), uow))
    tell(desk, uow)
    second = mailbox_of(address, imap)[-1]
    assert second["In-Reply-To"] == received["Message-ID"]


def test_a_new_email_opens_a_ticket_with_its_files_and_machines_mail_is_refused(desk, uow, mail_servers, db):
    imap, smtp = mail_servers
    address = requester()
    message = EmailMessage()
    message["From"], message["To"] = f"Pat Doe <{address}>", desk.MAIL_FROM
    message["Subject"] = f"VPN {random_word()} drops every hour"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.test>"
    message.set_content("The VPN drops every hour since Monday.")
    message.add_alternative("<p>The VPN drops <b>every hour</b> since Monday.<script>x()</script></p>", subtype="html")
    message.add_attachment(b"\x89PNG\r\n\x1a\nfake", maintype="image", subtype="png", filename="screen.png")
    message.add_attachment(b"MZ\x90\x00", maintype="application", subtype="x-msdownload", filename="tool.exe")
    message.add_attachment(b"MZ\x90\x01", maintype="application", subtype="pdf", filename="invoice.exe")
    send(message, smtp)
    auto = EmailMessage()
    auto["From"], auto["To"], auto["Subject"] = address, desk.MAIL_FROM, "Out of office"
    auto["Auto-Submitted"] = "auto-replied"
    auto.set_content("I am away")
    send(auto, smtp)
    itself = EmailMessage()
    itself["From"], itself["To"], itself["Subject"] = desk.MAIL_FROM, desk.MAIL_FROM, "loop"
    itself.set_content("me")
    send(itself, smtp)

    assert read(desk, uow) == {"opened": 1, "refused": 2}
    number, channel, description, email = db.execute(
        "SELECT t.number, t.channel, t.description, c.email FROM tickets t JOIN contacts c ON c.id = t.caller_id"
        " WHERE c.email = %s", (address,)).fetchone()
    assert (channel, description, email) == ("email", "The VPN drops every hour since Monday.", address)
    kept, disguised = on_own_loop(requesters.attachments_of(number, uow))
    assert (kept["filename"], kept["content_type"], kept["size_bytes"]) == ("screen.png", "image/png", 12)
    assert disguised["filename"] == "invoice.exe.pdf"  # downloads as what the type check let through

    async def link():
        blobs = AzureBlobs(desk)
        try:
            return await requesters.attachment_link(number, kept["id"], desk, uow, blobs)
        finally:
            await blobs.close()

    download = httpx.get(on_own_loop(link()))
    assert download.content == b"\x89PNG\r\n\x1a\nfake"
    assert download.headers["content-disposition"] == "attachment; filename=\"screen.png\"; filename*=UTF-8''screen.png"
    assert download.headers["content-type"] == "application/octet-stream"
    notes = [a.body for a in on_own_loop(list_activity(number, uow)) if a.kind == "work_note"]
    assert any("tool.exe (application/x-msdownload is not accepted)" in n for n in notes)


def test_a_second_reading_of_the_same_message_changes_nothing(desk, uow, mail_servers, db):
    imap, smtp = mail_servers
    address = requester()
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = address, desk.MAIL_FROM, "Keyboard broken"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.test>"
    message.set_content("The K key is stuck.")
    send(message, smtp)
    send(message, smtp)  # the same message twice, as a crash before marking it seen would read it again
    assert read(desk, uow) == {"opened": 1, "duplicate": 1}
    assert db.execute("SELECT count(*) FROM tickets t JOIN contacts c ON c.id = t.caller_id WHERE c.email = %s",
                      (address,)).fetchone()[0] == 1


def test_a_bounce_marks_the_message_and_a_rating_link_needs_a_confirming_click(desk, uow, mail_servers, db):
    imap, smtp = mail_servers
    address = requester()
    ticket = a_ticket(uow, address, language="es")
    on_own_loop(update_ticket(ticket.number, TicketPatch(state="resolved", close_code=CloseCode.SOLVED_REMOTELY,
                                                         close_notes="Cambiamos el tóner."),
                              None, AGENT, datetime.now(UTC), uow))
    tell(desk, uow)
    [resolved] = mailbox_of(address, imap)
    text = resolved.get_content()
    assert "Hemos resuelto su incidencia: Cambiamos el tóner." in text
    link = next(line.split(": ", 1)[1] for line in text.splitlines() if line.strip().startswith("4: "))
    token = link.rsplit("/", 1)[1].split("?")[0]

    # Opening the link (as a mail scanner does) rates nothing; the confirming click does, once.
    page = on_own_loop(satisfaction.question_for(token, datetime.now(UTC), desk, uow))
    assert page["rating"] is None and page["number"] == ticket.number
    kept = on_own_loop(satisfaction.rate_by_link(token, 4, "rápido", datetime.now(UTC), desk, uow))
    assert kept["kept"]
    again = on_own_loop(satisfaction.rate_by_link(token, 1, None, datetime.now(UTC), desk, uow))
    assert not again["kept"] and again["rating"] == 4
    assert db.execute("SELECT rating, comment, flagged FROM satisfaction WHERE token = %s",
                      (token,)).fetchone() == (4, "rápido", False)

    report = (f"From: MAILER-DAEMON@example.test\r\nTo: {desk.MAIL_FROM}\r\nSubject: Undelivered Mail\r\n"
              f"Message-ID: <{uuid.uuid4().hex}@example.test>\r\nMIME-Version: 1.0\r\n"
              "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
              "--B\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n"
              "--B\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
              f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {resolved['Message-ID']}\r\n\r\n--B--\r\n")
    with smtplib.SMTP("127.0.0.1", smtp) as client:
        client.sendmail("MAILER-DAEMON@example.test", [desk.MAIL_FROM], report.encode())
    assert read(desk, uow) == {"bounce": 1}
    assert db.execute("SELECT status FROM notifications WHERE provider_id = %s",
                      (resolved["Message-ID"],)).fetchone()[0] == "bounced"


def test_two_readers_of_one_message_make_one_ticket(desk, uow, azurite, db):
    """Two timers (two instances of the app) read the same unseen message at once: the Message-ID's row, claimed
    inside each reader's transaction, lets only the first act."""
    import asyncio

    from domain.mail import parse

    address = requester()
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = address, desk.MAIL_FROM, "Two readers"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.test>"
    message.set_content("Read twice at once.")
    mail = parse(message.as_bytes(), "<f>")

    async def both():
        blobs = AzureBlobs(desk)
        try:
            return sorted(await asyncio.gather(inbound.take_mail(mail, datetime.now(UTC), desk, uow, blobs),
                                               inbound.take_mail(mail, datetime.now(UTC), desk, uow.beside(), blobs)))
        finally:
            await blobs.close()

    assert on_own_loop(both()) == ["duplicate", "opened"]
    assert db.execute("SELECT count(*) FROM tickets t JOIN contacts c ON c.id = t.caller_id WHERE c.email = %s",
                      (address,)).fetchone()[0] == 1


def test_a_reply_waits_out_an_smtp_outage_and_arrives_once(desk, uow, mail_servers, db):
    imap, _ = mail_servers
    address = requester()
    ticket = a_ticket(uow, address)
    on_own_loop(add_comment(ticket.number, CommentIn(body="Sent while the relay was down."), AGENT,
                            datetime.now(UTC), uow))
    down = desk.model_copy(update={"SMTP_PORT": 9})
    at = datetime.now(UTC) + timedelta(seconds=1)

    async def send(config, when):
        return await notifications.send_due(when, config, uow, NoSms(), SmtpMailer(config))

    on_own_loop(notifications.queue_messages(at, desk, uow))
    assert on_own_loop(send(down, at)) == 0
    assert mailbox_of(address, imap) == []
    assert on_own_loop(send(desk, at + timedelta(seconds=30))) == 0  # its retry is not due yet
    assert on_own_loop(send(desk, at + timedelta(minutes=2))) == 1
    assert on_own_loop(send(desk, at + timedelta(minutes=10))) == 0
    [arrived] = mailbox_of(address, imap)
    assert "Sent while the relay was down." in arrived.get_content()
    status, attempts = db.execute("SELECT status, attempts FROM notifications WHERE recipient = %s",
                                  (address,)).fetchone()
    assert (status, attempts) == ("sent", 2)


def append(desk, raw: bytes) -> None:
    """Put a message straight into the desk's mailbox, as a broken or hostile sender's server might deliver it."""
    client = imaplib.IMAP4("127.0.0.1", desk.IMAP_PORT)
    try:
        client.login(desk.MAIL_FROM, "any")
        client.append("INBOX", None, None, raw)
    finally:
        client.logout()


def unseen_in(desk) -> int:
    client = imaplib.IMAP4("127.0.0.1", desk.IMAP_PORT)
    try:
        client.login(desk.MAIL_FROM, "any")
        client.select("INBOX")
        return len(client.uid("SEARCH", "UNSEEN")[1][0].split())
    finally:
        client.logout()


def test_broken_and_hostile_messages_are_set_aside_and_hold_up_nothing(desk, uow, mail_servers, db):
    small = desk.model_copy(update={"MAIL_MAX_BYTES": 64 * 1024})
    sender = requester()
    append(small, b"\x00\xff\xfe garbage that is no message at all\r\n\r\n\x80\x81")
    append(small, (f"From: {sender}\r\nTo: {small.MAIL_FROM}\r\nSubject: charset\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: text/plain; charset=x-no-such-charset\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                   "La impresora est\xe1 rota\r\n").encode("latin-1"))
    append(small, (f"From: {sender}\r\nTo: {small.MAIL_FROM}\r\nSubject: broken mime\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: multipart/mixed\r\n\r\n--nowhere\r\nContent-Type: text/plain\r\n\r\nhalf a part"
                   ).encode())
    append(small, (f"From: {sender}\r\nTo: {small.MAIL_FROM}\r\nSubject: huge\r\n\r\n" + "x" * 100_000).encode())
    append(small, (f"From: {requester()}\r\nTo: {small.MAIL_FROM}\r\nSubject: Scripted\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: text/html; charset=utf-8\r\n\r\n<p onclick=alert(1)>Hola</p><script>alert(2)</script>"
                   ).encode())
    outcomes = read(small, uow)
    assert sum(outcomes.values()) == 5 and outcomes.get("too_large") == 1, outcomes
    assert unseen_in(small) == 0  # every one was dealt with, and is still in the mailbox for a person
    charset = db.execute("SELECT t.description FROM tickets t WHERE t.short_description = 'charset'"
                         " ORDER BY t.id DESC LIMIT 1").fetchone()
    assert charset is not None and "impresora" in charset[0]
    scripted = db.execute("SELECT description FROM tickets WHERE short_description = 'Scripted'"
                          " ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert scripted == "Hola" and "<" not in scripted
