"""The SQL behind erasing a caller and forgetting old recordings."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.store.statements import AsyncStatements, Statements

# What a call keeps once its personal content is gone: who answered, when, and which ticket it made.
_FORGET = ("speech_text = NULL, transcript = NULL, recording_blob = NULL, recording_url = NULL, "
           "recording_sid = NULL, sms_body = NULL")


class CallersDataStore:
    def __init__(self, db: Statements | AsyncStatements):
        self.db = db

    async def calls_of(self, contact_id: int) -> list[dict[str, Any]]:
        return await self.db.all(
            "SELECT sid, recording_blob, ticket_id FROM calls WHERE contact_id = %s"
            " OR from_phone = (SELECT phone FROM contacts WHERE id = %s)", (contact_id, contact_id), dicts=True)

    async def erase(self, contact_id: int, actor: str, at: datetime, placeholder: str) -> list[int]:
        """Anonymize the contact, their calls and their phone tickets' words; the tickets touched, by id."""
        await self.db.run(
            "UPDATE calls SET " + _FORGET + ", from_phone = 'erased', contact_id = %s"
            " WHERE contact_id = %s OR from_phone = (SELECT phone FROM contacts WHERE id = %s)",
            (contact_id, contact_id, contact_id))
        tickets = [row[0] for row in await self.db.all(
            "SELECT id FROM tickets WHERE caller_id = %s UNION"
            " SELECT ticket_id FROM ticket_affected_contacts WHERE contact_id = %s", (contact_id, contact_id))]
        # A phone ticket's description is what the caller said; audit rows may hold their old name or number.
        # A new version, so no one saves the caller's words back over it, and a new vector from what is left.
        await self.db.run("UPDATE tickets SET description = %s, version = version + 1, updated_at = %s,"
                          " updated_by = %s WHERE caller_id = %s AND channel = 'phone' AND description <> ''",
                          (placeholder, at, actor, contact_id))
        await self.db.run("INSERT INTO index_outbox (ticket_id) SELECT unnest(%s::bigint[])"
                          " ON CONFLICT (ticket_id) DO UPDATE SET enqueued_at = clock_timestamp()", (tickets,))
        await self.db.run("UPDATE ticket_activity SET old_value = NULL, new_value = NULL"
                          " WHERE ticket_id = ANY(%s) AND field IN ('caller', 'description')", (tickets,))
        await self.db.run("UPDATE contacts SET name = NULL, phone = NULL, email = NULL, erased_at = %s,"
                          " erased_by = %s WHERE id = %s", (at, actor, contact_id))
        return tickets

    async def retained_before(self, cutoff: datetime, limit: int) -> list[dict[str, Any]]:
        return await self.db.all(
            "SELECT sid, recording_blob, ticket_id FROM calls WHERE started_at < %s AND (recording_blob IS NOT NULL"
            " OR transcript IS NOT NULL OR speech_text IS NOT NULL) ORDER BY started_at LIMIT %s",
            (cutoff, limit), dicts=True)

    async def forget_call(self, sid: str) -> None:
        await self.db.run("UPDATE calls SET " + _FORGET + " WHERE sid = %s", (sid,))
