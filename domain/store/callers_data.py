"""The SQL behind erasing a caller and forgetting old recordings."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb

from domain.erasure import Traces
from domain.store.statements import Statements

# What a call keeps once its personal content is gone: who answered, when, and which ticket it made. The SMS
# keeps a placeholder rather than NULL, so that a call that sent one still shows that it did.
_FORGET = ("speech_text = NULL, transcript = NULL, recording_blob = NULL, recording_url = NULL, "
           "recording_sid = NULL, sms_body = CASE WHEN sms_body IS NULL THEN NULL ELSE %(sms)s END")


class CallersDataStore:
    def __init__(self, db: Statements):
        self.db = db

    async def calls_of(self, contact_id: int, phones: list[str]) -> list[dict[str, Any]]:
        """The contact's calls, and any call from their number (in any spelling) that is not linked to them."""
        return await self.db.all(
            "SELECT sid, recording_blob, ticket_id FROM calls WHERE contact_id = %s OR from_phone = ANY(%s)",
            (contact_id, phones), dicts=True)

    async def attachments_of(self, contact_id: int) -> list[str]:
        """The blob names of the files the contact sent with their e-mail."""
        rows = await self.db.all("SELECT a.blob_name FROM attachments a JOIN tickets t ON t.id = a.ticket_id"
                                 " WHERE t.caller_id = %s", (contact_id,))
        return [row[0] for row in rows]

    async def erase(self, contact_id: int, phones: list[str], traces: Traces, actor: str, at: datetime,
                    placeholder: str) -> list[int]:
        """Anonymize the contact, their calls, their phone tickets' words, and their number and name wherever the
        desk wrote them on those tickets; the tickets touched, by id."""
        called = await self.db.all(
            "UPDATE calls SET " + _FORGET + ", from_phone = 'erased', contact_id = %(contact)s"
            " WHERE contact_id = %(contact)s OR from_phone = ANY(%(phones)s) RETURNING ticket_id",
            {"sms": placeholder, "contact": contact_id, "phones": phones})
        tickets = [row[0] for row in await self.db.all(
            "SELECT id FROM tickets WHERE caller_id = %s UNION"
            " SELECT ticket_id FROM ticket_affected_contacts WHERE contact_id = %s UNION"
            " SELECT unnest(%s::bigint[])", (contact_id, contact_id, [r[0] for r in called if r[0] is not None]))]
        # A phone ticket's description is what the caller said; audit rows may hold their old name or number.
        # A new version, so no one saves the caller's words back over it, and a new vector from what is left.
        await self.db.run("UPDATE tickets SET description = %s, version = version + 1, updated_at = %s,"
                          " updated_by = %s WHERE caller_id = %s AND channel IN ('phone', 'sms', 'email')"
                          " AND description <> ''", (placeholder, at, actor, contact_id))
        # What the desk sent them and what they sent it: their address, their words, their rating's words, their
        # files; a message still queued to them is never sent.
        await self.db.run("UPDATE notifications SET recipient = 'erased', subject = NULL, body = %s,"
                          " status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END,"
                          " last_error = CASE WHEN status = 'queued' THEN 'the requester was erased' ELSE last_error END"
                          " WHERE contact_id = %s", (placeholder, contact_id))
        await self.db.run("UPDATE tickets SET short_description = %s WHERE caller_id = %s AND channel IN ('sms', 'email')",
                          ("Message from an erased requester", contact_id))
        # The name another caller gave on this phone's tickets, and the names and addresses its changes recorded.
        await self.db.run("UPDATE tickets SET given_caller_name = NULL WHERE caller_id = %s AND given_caller_name IS NOT NULL",
                          (contact_id,))
        await self.db.run("UPDATE contact_changes SET old_value = NULL, new_value = NULL"
                          " WHERE contact_id = %s AND field IN ('name', 'email')", (contact_id,))
        await self.db.run("UPDATE ticket_activity SET body = %s WHERE ticket_id = ANY(%s) AND kind = 'comment'"
                          " AND (actor = ANY(%s) OR actor = (SELECT lower(email) FROM contacts WHERE id = %s))",
                          (placeholder, tickets, phones, contact_id))
        await self.db.run("DELETE FROM attachments WHERE ticket_id IN (SELECT id FROM tickets WHERE caller_id = %s)",
                          (contact_id,))
        await self.db.run("UPDATE inbound_messages SET sender = 'erased', body = NULL WHERE sender = ANY(%s)"
                          " OR sender = (SELECT lower(email) FROM contacts WHERE id = %s)", (phones, contact_id))
        await self.db.run("UPDATE satisfaction SET comment = NULL WHERE contact_id = %s", (contact_id,))
        await self.db.run("UPDATE requester_events SET body = NULL WHERE ticket_id = ANY(%s)", (tickets,))
        await self.db.run("UPDATE ticket_activity SET old_value = NULL, new_value = NULL"
                          " WHERE ticket_id = ANY(%s) AND field IN ('caller', 'description')", (tickets,))
        if traces:
            await self._scrub_tickets(tickets, traces, actor, at)
            await self._scrub_activity(tickets, traces)
            await self._scrub_kept_answers(traces)
        await self.db.run("INSERT INTO index_outbox (ticket_id) SELECT unnest(%s::bigint[])"
                          " ON CONFLICT (ticket_id) DO UPDATE SET enqueued_at = clock_timestamp()", (tickets,))
        await self.db.run("UPDATE contacts SET name = NULL, phone = NULL, email = NULL, erased_at = %s,"
                          " erased_by = %s WHERE id = %s", (at, actor, contact_id))
        return tickets

    async def names_of(self, contact_id: int) -> tuple[str, ...]:
        """Names the contact went by besides its own: given on its tickets, or held before a rename."""
        rows = await self.db.all(
            "SELECT given_caller_name FROM tickets WHERE caller_id = %(id)s AND given_caller_name IS NOT NULL UNION"
            " SELECT old_value FROM contact_changes WHERE contact_id = %(id)s AND field = 'name'"
            " AND old_value IS NOT NULL", {"id": contact_id})
        return tuple(row[0] for row in rows)

    async def _scrub_tickets(self, tickets: list[int], traces: Traces, actor: str, at: datetime) -> None:
        """Titles and descriptions that name the caller ("Call from +52… with no description")."""
        rows = await self.db.all("SELECT id, short_description, description FROM tickets WHERE id = ANY(%s)",
                                 (tickets,), dicts=True)
        scrubbed = [(r, traces.scrub(r["short_description"]), traces.scrub(r["description"])) for r in rows]
        changed = [(short, description, at, actor, r["id"]) for r, short, description in scrubbed
                   if (short, description) != (r["short_description"], r["description"])]
        if changed:
            await self.db.run_many("UPDATE tickets SET short_description = %s, description = %s, version = version + 1,"
                                   " updated_at = %s, updated_by = %s WHERE id = %s", changed)

    async def _scrub_activity(self, tickets: list[int], traces: Traces) -> None:
        """Work notes, comments and audit rows on the caller's tickets that name them: the desk's own notes
        ("Another caller reports this problem (+34…)") and what agents wrote ("Hola Marta")."""
        patterns = traces.like_patterns
        rows = await self.db.all(
            "SELECT id, body, old_value, new_value, note_parts FROM ticket_activity WHERE ticket_id = ANY(%(tickets)s)"
            " AND (body ILIKE ANY(%(p)s) OR old_value ILIKE ANY(%(p)s) OR new_value ILIKE ANY(%(p)s)"
            " OR note_parts::text ILIKE ANY(%(p)s))",
            {"tickets": tickets, "p": patterns}, dicts=True)
        if rows:
            # A note of the desk's own keeps its words in its parameters as well as in its English body.
            await self.db.run_many(
                "UPDATE ticket_activity SET body = %s, old_value = %s, new_value = %s, note_parts = %s WHERE id = %s",
                [(traces.scrub(r["body"]), traces.scrub(r["old_value"]), traces.scrub(r["new_value"]),
                  None if r["note_parts"] is None else Jsonb(traces.scrub_json(r["note_parts"])), r["id"])
                 for r in rows])

    async def _scrub_kept_answers(self, traces: Traces) -> None:
        """The answers kept for Idempotency-Key retries: a ticket created for the caller holds their details."""
        rows = await self.db.all("SELECT principal, key, response FROM idempotency_keys"
                                 " WHERE response::text ILIKE ANY(%s)", (traces.like_patterns,), dicts=True)
        if rows:
            await self.db.run_many("UPDATE idempotency_keys SET response = %s WHERE principal = %s AND key = %s",
                                   [(Jsonb(traces.scrub_json(r["response"])), r["principal"], r["key"]) for r in rows])

    async def retained_before(self, cutoff: datetime, limit: int) -> list[dict[str, Any]]:
        return await self.db.all(
            "SELECT sid, recording_blob, ticket_id FROM calls WHERE started_at < %s AND (recording_blob IS NOT NULL"
            " OR transcript IS NOT NULL OR speech_text IS NOT NULL) ORDER BY started_at LIMIT %s",
            (cutoff, limit), dicts=True)

    async def forget_call(self, sid: str, sms_placeholder: str) -> None:
        await self.db.run("UPDATE calls SET " + _FORGET + " WHERE sid = %(sid)s", {"sms": sms_placeholder, "sid": sid})
