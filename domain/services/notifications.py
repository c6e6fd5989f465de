"""Telling the requester: the outbox's events become one message per channel their contact has (in their
language, after their quiet hours unless urgent, never on a channel they refused), sent off the request path
with retries, and each message's delivery state as Twilio or the mail system reports it."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from domain.errors import DependencyUnavailable, MessageRefused
from domain.notifications import (
    URGENT_PRIORITIES,
    QuietHours,
    RequesterEvent,
    email_subject,
    email_text,
    sms_text,
    still_told,
    zone_of,
)
from domain.ports import Mailer, OutgoingMail, Telephony
from domain.settings import Settings
from domain.store.requesters import Reach
from domain.store.uow import UnitOfWork
from domain.tickets import Channel, State, Ticket

log = logging.getLogger(__name__)
# Twilio's message states and what each makes of ours; the rest (queued, sending, accepted) change nothing.
TWILIO_STATES = {"sent": "sent", "delivered": "delivered", "read": "delivered", "undelivered": "undelivered",
                 "failed": "failed"}


async def queue_messages(now: datetime, settings: Settings, uow: UnitOfWork, limit: int = 100) -> int:
    """Turn the events of tickets whose burst is over into queued messages; returns how many it queued. One
    transaction: a crash queues nothing and leaves the events for the next run."""
    quiet_since = now - timedelta(seconds=settings.NOTIFY_QUIET_SECONDS)
    waited_since = now - timedelta(seconds=settings.NOTIFY_MAX_WAIT_SECONDS)
    queued = 0
    async with uow:
        for ticket_id in await uow.requesters.tickets_to_tell(quiet_since, waited_since, limit):
            ids, events = await uow.requesters.take_events(ticket_id)
            if not ids:
                continue  # another run holds them
            ticket = await uow.tickets.get_by_id(ticket_id)
            reach = await uow.requesters.reach(ticket.caller_id) if ticket and ticket.caller_id else None
            if ticket is not None and reach is not None:
                queued += await _queue_for(ticket, reach, events, now, settings, uow)
            await uow.requesters.events_handled(ids, now)
        await uow.commit()
    return queued


async def _queue_for(ticket: Ticket, reach: Reach, events: list[RequesterEvent], now: datetime,
                     settings: Settings, uow: UnitOfWork) -> int:
    assert ticket.id is not None
    events = still_told(events, ticket.state)
    if not events:
        return 0
    send_after = _outside_quiet_hours(now, ticket.priority, reach.time_zone, settings)
    names = [e.event for e in events]
    # Every caller of a problem many shared by phone hears by SMS that it is resolved from the outage timer
    # (services/outages.py), its first caller too: a resolution alone sends them no second SMS from here.
    told_by_outage = names == ["resolved"] and ticket.affected_callers > 1 and ticket.channel == Channel.PHONE
    sms = bool(reach.phone and not reach.sms_opted_out and settings.twilio_configured and not told_by_outage)
    email = bool(reach.email and not reach.email_opted_out and settings.SMTP_HOST)
    # Asked once per resolution, and only while the ticket is still resolved when the message is made.
    rate = "resolved" in names and ticket.state == State.RESOLVED and (sms or email)
    links: list[str] = []
    if rate:
        token = secrets.token_urlsafe(24)
        await uow.requesters.ask_rating(ticket.id, reach.contact_id, token, now)
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        links = [f"{base}/api/satisfaction/{token}?rating={n}" for n in range(1, 6)]
    queued = 0
    if sms:
        assert reach.phone is not None
        await uow.requesters.queue(ticket.id, reach.contact_id, "sms", reach.phone, None,
                                   sms_text(ticket.number, events, reach.language, ask_rating=rate), names,
                                   send_after, now)
        queued += 1
    if email:
        assert reach.email is not None
        await uow.requesters.queue(ticket.id, reach.contact_id, "email", reach.email,
                                   email_subject(ticket.number, ticket.short_description, reach.language),
                                   email_text(ticket.number, reach.name, events, reach.language, links), names,
                                   send_after, now)
        queued += 1
    return queued


async def send_due(now: datetime, settings: Settings, uow: UnitOfWork, telephony: Telephony, mailer: Mailer,
                   limit: int = 50) -> int:
    """Send the queued messages whose time has come, each in a transaction of its own (locked, sent, marked),
    so that a crash resends at most the one in hand; returns how many went out."""
    sent = 0
    callback = settings.PUBLIC_BASE_URL.rstrip("/") + "/api/sms/status"
    for _ in range(limit):
        async with uow:
            due = await uow.requesters.due(now, 1)
            if not due:
                return sent
            message = due[0]
            try:
                if message.channel == "sms":
                    provider_id = await telephony.send_sms(message.recipient, message.body, status_callback=callback)
                    if provider_id is None:
                        raise MessageRefused("No Twilio account is configured.")
                else:
                    provider_id = await mailer.send(OutgoingMail(message.recipient, message.subject or message.number,
                                                                 message.body, message.answers))
                await uow.requesters.sent(message.id, provider_id, now)
                sent += 1
            except Exception as err:  # noqa: BLE001 - one message that cannot go must not hold up the rest
                if not isinstance(err, DependencyUnavailable):
                    log.exception("message %d to the requester of %s failed", message.id, message.number)
                last = isinstance(err, MessageRefused) or message.attempts + 1 >= settings.NOTIFY_MAX_ATTEMPTS
                retry_at = None if last else _outside_quiet_hours(
                    now + timedelta(minutes=2 ** message.attempts), message.priority, message.time_zone, settings)
                log.warning("message %d to the requester of %s not sent (%s)%s", message.id, message.number, err,
                            "" if last else f"; again at {retry_at}")
                await uow.requesters.not_sent(message.id, str(err), retry_at, now)
            await uow.commit()
    return sent


def _outside_quiet_hours(at: datetime, priority: int, time_zone: str | None, settings: Settings) -> datetime:
    """`at`, or the end of the requester's quiet hours when `at` falls in them and the ticket is not urgent."""
    quiet = QuietHours.parse(settings.QUIET_HOURS)
    if quiet is None or priority in URGENT_PRIORITIES:
        return at
    return quiet.send_after(at, zone_of(time_zone, settings.DESK_TIME_ZONE))


async def record_delivery(provider_id: str, provider_status: str, error: str | None, now: datetime,
                          uow: UnitOfWork) -> bool:
    """Twilio's status callback: the message's delivery state. Whether it named one of the desk's messages in a
    state that moves it."""
    status = TWILIO_STATES.get(provider_status)
    if status is None:
        return False
    async with uow.saving_alone():
        return await uow.requesters.delivery(provider_id, status, error, now)
