"""The requester's side of a ticket: the outbox of what they are to be told, the messages sent them with their
delivery states, the messages that came from them (each once), their attachments and their satisfaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.notifications import RequesterEvent
from domain.store.statements import Statements


@dataclass(frozen=True)
class Reach:
    """How a contact can be reached, and whether they want to be."""

    contact_id: int
    name: str | None
    phone: str | None
    email: str | None
    language: str
    time_zone: str | None
    sms_opted_out: bool
    email_opted_out: bool


@dataclass(frozen=True)
class Outgoing:
    id: int
    ticket_id: int
    channel: str
    recipient: str
    subject: str | None
    body: str
    attempts: int
    number: str
    answers: str | None  # the Message-ID the e-mail threads under
    priority: int
    time_zone: str | None  # the requester's, for a retry's quiet hours


_REACH = "id, name, phone, email, language, time_zone, sms_opted_out, email_opted_out"


class RequesterStore:
    def __init__(self, db: Statements):
        self.db = db

    # What they are to be told.
    async def tickets_to_tell(self, quiet_since: datetime, waited_since: datetime, limit: int) -> list[int]:
        """Tickets with events nobody has told yet, once their burst is over (nothing new since `quiet_since`) or
        the first has waited since `waited_since`: a run of comments is one message."""
        rows = await self.db.all(
            "SELECT ticket_id FROM requester_events WHERE handled_at IS NULL GROUP BY ticket_id"
            " HAVING max(created_at) <= %s OR min(created_at) <= %s ORDER BY min(created_at) LIMIT %s",
            (quiet_since, waited_since, limit))
        return [row[0] for row in rows]

    async def take_events(self, ticket_id: int) -> tuple[list[int], list[RequesterEvent]]:
        """The ticket's untold events, locked (another timer run skips them), oldest first."""
        rows = await self.db.all(
            "SELECT id, event, body FROM requester_events WHERE ticket_id = %s AND handled_at IS NULL"
            " ORDER BY id FOR UPDATE SKIP LOCKED", (ticket_id,))
        return [row[0] for row in rows], [RequesterEvent(row[1], row[2]) for row in rows]

    async def events_handled(self, ids: list[int], at: datetime) -> None:
        await self.db.run("UPDATE requester_events SET handled_at = %s WHERE id = ANY(%s)", (at, ids))

    async def reach(self, contact_id: int) -> Reach | None:
        row = await self.db.one(f"SELECT {_REACH} FROM contacts WHERE id = %s", (contact_id,))
        return Reach(*row) if row else None

    async def reach_by_phone_key(self, key: str) -> Reach | None:
        row = await self.db.one(f"SELECT {_REACH} FROM contacts WHERE phone_key = %s", (key,))
        return Reach(*row) if row else None

    async def reach_by_email(self, address: str) -> Reach | None:
        row = await self.db.one(f"SELECT {_REACH} FROM contacts WHERE lower(email) = lower(%s) ORDER BY id LIMIT 1",
                                (address,))
        return Reach(*row) if row else None

    async def set_opted_out(self, contact_id: int, channel: str, opted_out: bool) -> None:
        column = {"sms": "sms_opted_out", "email": "email_opted_out"}[channel]
        await self.db.run(f"UPDATE contacts SET {column} = %s WHERE id = %s", (opted_out, contact_id))

    async def set_time_zone(self, contact_id: int, time_zone: str | None) -> None:
        await self.db.run("UPDATE contacts SET time_zone = %s WHERE id = %s", (time_zone, contact_id))

    # The messages sent.
    async def queue(self, ticket_id: int, contact_id: int, channel: str, recipient: str, subject: str | None,
                    body: str, events: list[str], send_after: datetime, at: datetime) -> int:
        row = await self.db.one(
            "INSERT INTO notifications (ticket_id, contact_id, channel, recipient, subject, body, events, send_after,"
            " created_at, status_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (ticket_id, contact_id, channel, recipient, subject, body, events, send_after, at, at))
        return int(row[0])

    async def due(self, now: datetime, limit: int) -> list[Outgoing]:
        """Queued messages whose time has come, locked so that a second timer run sends none of them again. An
        e-mail threads under the last message of the ticket's conversation with that address."""
        rows = await self.db.all(
            "SELECT n.id, n.ticket_id, n.channel, n.recipient, n.subject, n.body, n.attempts, t.number,"
            " (SELECT m.provider_id FROM notifications m WHERE m.ticket_id = n.ticket_id AND m.channel = 'email'"
            "   AND m.recipient = n.recipient AND m.provider_id IS NOT NULL AND m.id < n.id ORDER BY m.id DESC LIMIT 1),"
            " t.priority, c.time_zone"
            " FROM notifications n JOIN tickets t ON t.id = n.ticket_id JOIN contacts c ON c.id = n.contact_id"
            " WHERE n.status = 'queued' AND n.send_after <= %s ORDER BY n.send_after LIMIT %s"
            " FOR UPDATE OF n SKIP LOCKED", (now, limit))
        return [Outgoing(*row) for row in rows]

    async def sent(self, notification_id: int, provider_id: str | None, at: datetime) -> None:
        await self.db.run(
            "UPDATE notifications SET status = 'sent', provider_id = %s, attempts = attempts + 1, last_error = NULL,"
            " status_at = %s WHERE id = %s", (provider_id, at, notification_id))

    async def not_sent(self, notification_id: int, error: str, retry_at: datetime | None, at: datetime) -> None:
        """A failed attempt: tried again at `retry_at`, or failed for good when None."""
        await self.db.run(
            "UPDATE notifications SET attempts = attempts + 1, last_error = %s, status_at = %s,"
            " status = CASE WHEN %s::timestamptz IS NULL THEN 'failed' ELSE 'queued' END,"
            " send_after = coalesce(%s, send_after) WHERE id = %s",
            (error[:500], at, retry_at, retry_at, notification_id))

    async def delivery(self, provider_id: str, status: str, error: str | None, at: datetime) -> bool:
        """Twilio's or the mail system's word on a message sent; whether it named one. A late 'sent' never
        overwrites 'delivered', and a final state stays."""
        touched = await self.db.run(
            "UPDATE notifications SET status = %s, last_error = coalesce(%s, last_error), status_at = %s"
            " WHERE provider_id = %s AND status IN ('sent', 'queued')"
            " OR provider_id = %s AND status = 'delivered' AND %s IN ('bounced', 'undelivered', 'failed')",
            (status, error, at, provider_id, provider_id, status))
        return touched > 0

    async def of_ticket(self, ticket_id: int) -> list[dict[str, Any]]:
        return await self.db.all(
            "SELECT id, channel, recipient, subject, body, status, last_error, created_at, status_at"
            " FROM notifications WHERE ticket_id = %s ORDER BY id", (ticket_id,), dicts=True)

    # The messages that came in.
    async def claim_inbound(self, channel: str, external_id: str, sender: str, at: datetime) -> bool:
        """Take a message in, once: False when it was taken before. Inside the transaction that acts on it, so
        a second reader of the same message waits here until the first commits, and then gets False."""
        touched = await self.db.run(
            "INSERT INTO inbound_messages (channel, external_id, sender, outcome, received_at)"
            " VALUES (%s, %s, %s, 'taking', %s) ON CONFLICT (channel, external_id) DO NOTHING",
            (channel, external_id, sender, at))
        return touched > 0

    async def serialize_sender(self, channel: str, sender: str) -> None:
        """Until this transaction ends, hold the lock of this sender's messages: two SMS a person sent seconds
        apart from a new number must not each open a ticket."""
        await self.db.run("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{channel}:{sender}",))

    async def settle_inbound(self, channel: str, external_id: str, ticket_id: int | None, outcome: str,
                             body: str | None) -> None:
        await self.db.run(
            "UPDATE inbound_messages SET ticket_id = %s, outcome = %s, body = %s WHERE channel = %s AND"
            " external_id = %s", (ticket_id, outcome, body, channel, external_id))

    async def count_from(self, channel: str, sender: str, since: datetime) -> int:
        row = await self.db.one(
            "SELECT count(*) FROM inbound_messages WHERE channel = %s AND sender = %s AND received_at >= %s"
            " AND outcome NOT IN ('taking', 'refused')",
            (channel, sender, since))
        return int(row[0])

    async def waiting_for_which(self, sender: str, since: datetime) -> list[str]:
        """SMS bodies from `sender` since `since` that the desk answered by asking which ticket they were for."""
        rows = await self.db.all(
            "SELECT body FROM inbound_messages WHERE channel = 'sms' AND sender = %s AND outcome = 'asked_which'"
            " AND received_at >= %s ORDER BY id", (sender, since))
        return [row[0] for row in rows if row[0]]

    async def settle_which(self, sender: str, since: datetime, ticket_id: int) -> None:
        await self.db.run(
            "UPDATE inbound_messages SET outcome = 'commented', ticket_id = %s WHERE channel = 'sms' AND sender = %s"
            " AND outcome = 'asked_which' AND received_at >= %s", (ticket_id, sender, since))

    async def ticket_answered(self, message_ids: tuple[str, ...]) -> int | None:
        """The ticket one of the desk's own messages (or a message already taken in) belongs to, by Message-ID."""
        if not message_ids:
            return None
        # In the order the message names them (In-Reply-To first, then References newest first), an open ticket
        # before a closed one: a thread can hold the ids of a closed ticket and of its follow-up.
        row = await self.db.one(
            "SELECT found.ticket_id FROM (SELECT ticket_id, provider_id AS id FROM notifications"
            " WHERE provider_id = ANY(%(ids)s) UNION ALL SELECT ticket_id, external_id FROM inbound_messages"
            " WHERE channel = 'email' AND external_id = ANY(%(ids)s) AND ticket_id IS NOT NULL) found"
            " JOIN tickets t ON t.id = found.ticket_id"
            " ORDER BY t.state IN (7, 8), array_position(%(ids)s::text[], found.id) LIMIT 1", {"ids": list(message_ids)})
        return int(row[0]) if row else None

    # Attachments.
    async def add_attachment(self, ticket_id: int, filename: str, content_type: str, size: int, blob_name: str,
                             at: datetime) -> None:
        await self.db.run(
            "INSERT INTO attachments (ticket_id, filename, content_type, size_bytes, blob_name, created_at)"
            " VALUES (%s, %s, %s, %s, %s, %s)", (ticket_id, filename, content_type, size, blob_name, at))

    async def attachments(self, ticket_id: int) -> list[dict[str, Any]]:
        return await self.db.all(
            "SELECT id, filename, content_type, size_bytes, blob_name, created_at, uploaded_by, activity_id"
            " FROM attachments WHERE ticket_id = %s ORDER BY id", (ticket_id,), dicts=True)

    # Satisfaction.
    async def ask_rating(self, ticket_id: int, contact_id: int, token: str, at: datetime) -> None:
        await self.db.run(
            "INSERT INTO satisfaction (ticket_id, contact_id, token, asked_at) VALUES (%s, %s, %s, %s)",
            (ticket_id, contact_id, token, at))

    async def open_question(self, contact_id: int, since: datetime) -> dict[str, Any] | None:
        """The contact's latest unanswered satisfaction question asked since `since`, about a ticket that is still
        resolved (or closed): once reopened, a number they send is about the problem, not a rating."""
        found: dict[str, Any] | None = await self.db.one(
            "SELECT s.id, s.ticket_id, t.number FROM satisfaction s JOIN tickets t ON t.id = s.ticket_id"
            " WHERE s.contact_id = %s AND s.rating IS NULL AND s.asked_at >= %s AND t.state IN (6, 7)"
            " ORDER BY s.asked_at DESC LIMIT 1",
            (contact_id, since), dicts=True)
        return found

    async def question(self, token: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = await self.db.one(
            "SELECT s.id, s.ticket_id, t.number, t.short_description, s.rating, s.asked_at, c.language"
            " FROM satisfaction s JOIN tickets t ON t.id = s.ticket_id JOIN contacts c ON c.id = s.contact_id"
            " WHERE s.token = %s", (token,), dicts=True)
        return found

    async def rate(self, question_id: int, rating: int, comment: str | None, flagged: bool, at: datetime) -> bool:
        """Keep the answer; False when the question was answered already (the first answer stands)."""
        touched = await self.db.run(
            "UPDATE satisfaction SET rating = %s, comment = %s, flagged = %s, answered_at = %s"
            " WHERE id = %s AND rating IS NULL", (rating, comment, flagged, at, question_id))
        return touched > 0

    async def satisfaction_by_group_and_week(self, since: datetime) -> list[dict[str, Any]]:
        return await self.db.all(
            "SELECT coalesce(g.name, '') AS assignment_group, date_trunc('week', s.answered_at) AS week,"
            " count(*) AS answers, avg(s.rating)::float AS average,"
            " (count(*) FILTER (WHERE s.rating >= 4))::float / count(*) AS satisfied"
            " FROM satisfaction s JOIN tickets t ON t.id = s.ticket_id"
            " LEFT JOIN assignment_groups g ON g.id = t.assignment_group_id"
            " WHERE s.rating IS NOT NULL AND s.answered_at >= %s GROUP BY 1, 2 ORDER BY 2 DESC, 1", (since,),
            dicts=True)

    async def flagged(self, limit: int = 20) -> list[dict[str, Any]]:
        return await self.db.all(
            "SELECT t.number, t.short_description, s.rating, s.comment, s.answered_at"
            " FROM satisfaction s JOIN tickets t ON t.id = s.ticket_id WHERE s.flagged"
            " ORDER BY s.answered_at DESC LIMIT %s", (limit,), dicts=True)
