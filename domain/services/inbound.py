"""What requesters send the desk: an SMS to its number or an e-mail to its mailbox becomes a comment on their
ticket, a new ticket, a rating, or their opt-out, each message once (its provider's id makes a second delivery
change nothing)."""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.analysis import detect_language
from domain.contacts import Contact, phone_key
from domain.errors import DependencyUnavailable
from domain.mail import InboundMail, named_for_type, parse
from domain.notifications import keyword, rating_in, say, ticket_number_in
from domain.ports import Blobs, Mailbox
from domain.services.satisfaction import answer_question
from domain.services.tickets import comment_from_requester, open_ticket
from domain.settings import Settings
from domain.store.requesters import Reach
from domain.store.uow import UnitOfWork
from domain.tickets import OPEN_STATES, Channel, State, Ticket
from domain.work_notes import note, sentence

log = logging.getLogger(__name__)
# A reply to a resolved ticket reopens it; a closed or canceled one gets a new ticket instead.
ANSWERABLE = (*OPEN_STATES, State.RESOLVED)
# How long an SMS waits for its sender to say which of their tickets it was for.
WHICH_WAIT = timedelta(hours=1)
SHORT_DESCRIPTION_CHARS = 100


@dataclass(frozen=True)
class SmsIn:
    sid: str
    sender: str  # E.164, as Twilio gives it
    body: str


async def take_sms(sms: SmsIn, now: datetime, settings: Settings, uow: UnitOfWork) -> str | None:
    """Act on an SMS to the desk's number; what to answer the sender (None: nothing). A second delivery of the
    same MessageSid answers nothing and changes nothing."""
    language = settings.DEFAULT_CALL_LOCALE[:2]
    async with uow:
        await uow.requesters.serialize_sender("sms", sms.sender)
        if not await uow.requesters.claim_inbound("sms", sms.sid, sms.sender, now):
            return None
        reach = await uow.requesters.reach_by_phone_key(phone_key(sms.sender))
        language = reach.language if reach else detect_language(sms.body, language)
        recent = await uow.requesters.count_from("sms", sms.sender, now - timedelta(hours=1))
        if recent >= settings.INBOUND_MAX_PER_SENDER_HOUR and keyword(sms.body) is None:
            # A loop with an automatic sender, or a flood: nothing is made and nothing answered (STOP still counts).
            outcome, ticket_id, reply = "refused", None, None
        else:
            outcome, ticket_id, reply = await _act_on_sms(sms, reach, language, now, settings, uow)
        await uow.requesters.settle_inbound("sms", sms.sid, ticket_id, outcome,
                                            sms.body if outcome == "asked_which" else None)
        await uow.commit()
    return reply


async def _act_on_sms(sms: SmsIn, reach: Reach | None, language: str, now: datetime, settings: Settings,
                      uow: UnitOfWork) -> tuple[str, int | None, str | None]:
    contact_id = reach.contact_id if reach else None
    word = keyword(sms.body)
    # Twilio answers STOP and START itself and blocks what follows STOP; the desk records it to stop trying. A
    # "yes" is an opt-in only from someone who opted out: from anyone else it is an answer, and a comment.
    if word == "stop" or (word == "start" and reach is not None and reach.sms_opted_out):
        if contact_id is not None:
            await uow.requesters.set_opted_out(contact_id, "sms", word == "stop")
        return ("opted_out" if word == "stop" else "opted_in"), None, None
    if contact_id is not None:
        rating = rating_in(sms.body)
        question = await uow.requesters.open_question(
            contact_id, now - timedelta(days=settings.SATISFACTION_REPLY_DAYS)) if rating else None
        if rating is not None and question is not None:
            await answer_question(question["id"], question["ticket_id"], rating[0], rating[1] or None, sms.sender,
                                  now, settings, uow)
            return "rated", question["ticket_id"], say("thanks_rating", language)
    tickets = await uow.tickets.of_contact(contact_id, ANSWERABLE, limit=10) if contact_id is not None else []
    named = ticket_number_in(sms.body)
    chosen = next((t for t in tickets if t.number == named), None)
    if chosen is None and len(tickets) == 1 and named is None:
        chosen = tickets[0]
    if chosen is None and len(tickets) > 1:
        return "asked_which", None, say("which", language, numbers=", ".join(t.number for t in tickets[:5]))
    if chosen is not None:
        assert chosen.id is not None
        # What they sent before the desk asked which ticket it was for goes with this answer.
        waiting = await uow.requesters.waiting_for_which(sms.sender, now - WHICH_WAIT)
        await comment_from_requester(uow, chosen.id, "\n\n".join([*waiting, sms.body]), sms.sender, now)
        if waiting:
            await uow.requesters.settle_which(sms.sender, now - WHICH_WAIT, chosen.id)
        return "commented", chosen.id, say("commented", language, number=chosen.number)
    caller = await uow.contacts.find_or_add(Contact(phone=sms.sender, language=language))
    ticket = await open_ticket(uow, sms.sender, now, caller=caller, short_description=_short(sms.body),
                               description=sms.body, channel=Channel.SMS, impact=3, urgency=3)
    return "opened", ticket.id, say("opened", language, number=ticket.number)


def _short(text: str) -> str:
    first = " ".join(text.split())
    return (first[: SHORT_DESCRIPTION_CHARS - 1].rstrip() + "…") if len(first) > SHORT_DESCRIPTION_CHARS else first or "(no text)"


async def read_mailbox(now: datetime, settings: Settings, uow: UnitOfWork, mailbox: Mailbox, blobs: Blobs,
                       batch: int = 50, seconds: float = 20) -> dict[str, int]:
    """Take in the desk's unread mail, a batch at a time for up to `seconds` (a full mailbox drains over a few
    runs): each message is marked seen only after what it made is committed, so a crash reads it again, and its
    Message-ID makes that second reading change nothing. A message too large or that cannot be read is recorded
    and marked seen, and stays in the mailbox for a person: one bad message never holds up the rest. Counts by
    outcome."""
    outcomes: dict[str, int] = {}
    deadline = time.monotonic() + seconds
    async with mailbox.session() as box:
        while time.monotonic() < deadline:
            found = await box.unseen(batch)
            for uid in found:  # one at a time: a batch of large messages is never all in memory
                fallback = f"<{uid}.{box.fallback_prefix}>"
                raw = await box.fetch(uid, settings.MAIL_MAX_BYTES)
                outcome = await _take_one(uid, raw, fallback, now, settings, uow, blobs)
                await box.mark_seen(uid)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if len(found) < batch:
                break
    return outcomes


async def _take_one(uid: str, raw: bytes | None, fallback: str, now: datetime, settings: Settings, uow: UnitOfWork,
                    blobs: Blobs) -> str:
    """Take one message in, or set it aside when it is too large or anything in it cannot be taken; an outage
    (DependencyUnavailable) stops the run instead, and the message is read again on the next."""
    if raw is None:
        return await _set_aside(fallback, "too_large", now, uow)
    try:
        return await take_mail(parse(raw, fallback), now, settings, uow, blobs)
    except DependencyUnavailable:
        raise
    except Exception:  # noqa: BLE001 - any message a sender can build must not stop the mailbox
        log.warning("could not take in message %s of the desk's mailbox", uid, exc_info=True)
        return await _set_aside(fallback, "unreadable", now, uow)


async def _set_aside(fallback_id: str, outcome: str, now: datetime, uow: UnitOfWork) -> str:
    """Record a message the desk will not take in; it stays in the mailbox, seen, for a person to read."""
    async with uow:
        if await uow.requesters.claim_inbound("email", fallback_id, "(unknown)", now):
            await uow.requesters.settle_inbound("email", fallback_id, None, outcome, None)
        await uow.commit()
    log.warning("set aside a message of the desk's mailbox (%s): %s", outcome, fallback_id)
    return outcome


async def take_mail(mail: InboundMail, now: datetime, settings: Settings, uow: UnitOfWork, blobs: Blobs) -> str:
    """One e-mail: a bounce marks the message it reports, a machine's mail and a flood are refused, a reply to a
    ticket (by the desk's Message-IDs, or its number in the subject from its requester's address) is a comment
    on it, and anything else opens a ticket. Returns the outcome."""
    # The files go to Blob Storage before the transaction, which may hold a ticket's row lock: agents' saves of
    # that ticket never wait on an upload. What the message did not keep is deleted again.
    staged, refused = await _stage_attachments(mail, settings, blobs)
    listed = False
    try:
        async with uow:
            if not await uow.requesters.claim_inbound("email", mail.message_id, mail.sender or "(none)", now):
                return "duplicate"
            outcome, ticket = await _act_on_mail(mail, now, settings, uow)
            if ticket is not None:
                await _list_attachments(ticket, staged, refused, now, uow)
            await uow.requesters.settle_inbound("email", mail.message_id, ticket.id if ticket else None, outcome,
                                                None)
            await uow.commit()
            listed = ticket is not None
    finally:
        if not listed:
            for file in staged:
                await blobs.delete(settings.ATTACHMENTS_CONTAINER, file.blob_name)
    if outcome == "refused":
        log.info("refused an e-mail from %s (%s)", mail.sender, mail.message_id)
    return outcome


async def _act_on_mail(mail: InboundMail, now: datetime, settings: Settings,
                       uow: UnitOfWork) -> tuple[str, Ticket | None]:
    if mail.bounce_of is not None:
        await uow.requesters.delivery(mail.bounce_of, "bounced", "the recipient's mail system returned it", now)
        return "bounce", None
    desk = settings.MAIL_FROM.lower()
    recent = await uow.requesters.count_from("email", mail.sender, now - timedelta(hours=1))
    if mail.automatic or not mail.sender or mail.sender == desk or recent >= settings.INBOUND_MAX_PER_SENDER_HOUR:
        return "refused", None
    ticket = await _answered_ticket(mail, uow)
    body = mail.text or mail.subject or "(no text)"
    if ticket is not None and ticket.state in ANSWERABLE:
        assert ticket.id is not None
        return "commented", await comment_from_requester(uow, ticket.id, body, mail.sender, now)
    reach = await uow.requesters.reach_by_email(mail.sender)
    contact = await uow.contacts.get(reach.contact_id) if reach else None
    if contact is None:
        contact = await uow.contacts.find_or_add(Contact(name=mail.sender_name, email=mail.sender,
                                                         language=detect_language(body, settings.DEFAULT_CALL_LOCALE[:2])))
    description = body if ticket is None else f"{body}\n\n(Follow-up to {ticket.number}, which is {ticket.state.api_name}.)"
    opened = await open_ticket(uow, mail.sender, now, caller=contact,
                               short_description=_short(mail.subject or body), description=description,
                               channel=Channel.EMAIL, impact=3, urgency=3)
    return "opened", opened


async def _answered_ticket(mail: InboundMail, uow: UnitOfWork) -> Ticket | None:
    """The ticket a message answers: one of the desk's own Message-IDs in its In-Reply-To or References, else its
    number in the subject when the message comes from that ticket's requester (anyone can type a number)."""
    ticket_id = await uow.requesters.ticket_answered(mail.answers)
    if ticket_id is not None:
        return await uow.tickets.get_by_id(ticket_id, for_update=True)
    number = ticket_number_in(mail.subject)
    ticket = await uow.tickets.get(number, for_update=True) if number else None
    if ticket is not None and ticket.caller and (ticket.caller.email or "").lower() == mail.sender:
        return ticket
    return None


@dataclass(frozen=True)
class StagedFile:
    filename: str
    content_type: str
    size: int
    blob_name: str


async def _stage_attachments(mail: InboundMail, settings: Settings, blobs: Blobs) -> tuple[list[StagedFile], list[str]]:
    """Each allowed file uploaded to Blob Storage; and what is refused, with why."""
    staged, refused = [], []
    for attachment in mail.attachments:
        if len(attachment.data) > settings.ATTACHMENT_MAX_BYTES:
            refused.append(f"{attachment.filename} (larger than {settings.ATTACHMENT_MAX_BYTES // 1024} KiB)")
            continue
        if not type_allowed(attachment.content_type, settings.attachment_types):
            refused.append(f"{attachment.filename} ({attachment.content_type} is not accepted)")
            continue
        filename = named_for_type(attachment.filename, attachment.content_type)
        name = f"mail/{uuid.uuid4().hex}/{filename}"
        await blobs.put(settings.ATTACHMENTS_CONTAINER, name, attachment.data, attachment.content_type)
        staged.append(StagedFile(filename, attachment.content_type, len(attachment.data), name))
    return staged, refused


async def _list_attachments(ticket: Ticket, staged: list[StagedFile], refused: list[str], now: datetime,
                            uow: UnitOfWork) -> None:
    """The uploaded files listed on the ticket; what was refused named in a work note."""
    assert ticket.id is not None
    for file in staged:
        await uow.requesters.add_attachment(ticket.id, file.filename, file.content_type, file.size, file.blob_name,
                                            now)
    if refused:
        await uow.tickets.add_note(ticket.id, "work_note", "system", now,
                                   note(sentence("attachments_refused", files="; ".join(refused))))


def type_allowed(content_type: str, allowed: tuple[str, ...]) -> bool:
    kind = content_type.lower()
    return any(kind == a or (a.endswith("/*") and kind.startswith(a[:-1])) for a in allowed)
