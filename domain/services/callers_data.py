"""Callers' data: erasing a caller at their request, and forgetting recordings and transcripts once the
retention period is over. Tickets stay, anonymized, each with a work note saying what was removed and why."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from domain.auth import Principal
from domain.contacts import phone_forms
from domain.erasure import Traces
from domain.errors import NotFound
from domain.ports import Blobs
from domain.settings import Settings
from domain.store.uow import UnitOfWork
from domain.work_notes import note, sentence

log = logging.getLogger(__name__)
ERASED = "[erased at the caller's request]"
FORGOTTEN = "[deleted after the retention period]"


async def erase_caller(contact_id: int, who: Principal, now: datetime, settings: Settings, uow: UnitOfWork,
                       blobs: Blobs) -> dict[str, Any]:
    """Remove the contact's name, phone and e-mail, their calls' recordings, transcripts and SMS texts, the words
    of theirs that phone tickets carry, and their number (in every spelling) and name from what the desk wrote on
    their tickets. Recordings go first: if the database step then fails, running it again
    finishes the job, and nothing of the caller is left behind a 'done'."""
    async with uow:
        contact = await uow.contacts.get(contact_id)
        if contact is None:
            raise NotFound(f"There is no contact {contact_id}.")
        phones = phone_forms(contact.phone)
        calls = await uow.callers_data.calls_of(contact_id, phones)
        files = await uow.callers_data.attachments_of(contact_id)
        other_names = await uow.callers_data.names_of(contact_id)
    deleted = await _delete_recordings(calls, settings, blobs)
    for name in files:  # before the rows that name them, as recordings are
        await blobs.delete(settings.ATTACHMENTS_CONTAINER, name)
    async with uow:
        tickets = await uow.callers_data.erase(contact_id, phones, Traces.of(contact, other_names), who.name, now, ERASED)
        erased = note(sentence("caller_erased", who=who.name))
        for ticket_id in tickets:
            await uow.tickets.add_note(ticket_id, "work_note", who.name, now, erased)
        await uow.commit()
    log.info("contact %s erased by %s: %d calls, %d tickets", contact_id, who.name, len(calls), len(tickets))
    return {"contact_id": contact_id, "calls": len(calls), "tickets": len(tickets), "recordings_deleted": deleted}


async def forget_old_recordings(days: int, now: datetime, settings: Settings, uow: UnitOfWork, blobs: Blobs,
                                limit: int = 200) -> int:
    """Delete recordings and transcripts of calls older than `days` (0 keeps them forever); returns how many
    calls were cleared. Each ticket keeps a note that they existed."""
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    async with uow:
        calls = await uow.callers_data.retained_before(cutoff, limit)
    await _delete_recordings(calls, settings, blobs)
    async with uow:
        for call in calls:
            await uow.callers_data.forget_call(call["sid"], FORGOTTEN)
            if call["ticket_id"] is not None:
                await uow.tickets.add_note(call["ticket_id"], "work_note", "retention", now,
                                           note(sentence("recording_expired", sid=call["sid"], days=days)))
        await uow.commit()
    return len(calls)


async def _delete_recordings(calls: list[dict[str, Any]], settings: Settings, blobs: Blobs) -> int:
    """Delete the calls' recordings from Blob Storage, before their rows forget where they were; returns how many."""
    stored = [call["recording_blob"] for call in calls if call["recording_blob"]]
    for name in stored:
        await blobs.delete(settings.RECORDINGS_CONTAINER, name)
    return len(stored)
