"""Calls for agents and integrators: the list, one call with its transcripts and pipeline, its recording."""
from __future__ import annotations

import re
from typing import cast

from domain.calls import CALL_SID_PATTERN, Call
from domain.errors import AtiendeError, NotFound
from domain.ports import Blobs
from domain.schemas.calls import CallIntent, CallOut, CallPage, CallQuery
from domain.schemas.tickets import CallerOut
from domain.services.tickets import find_ticket
from domain.settings import Settings
from domain.store.uow import UnitOfWork

RECORDING_LINK_MINUTES = 15


async def list_calls(query: CallQuery, uow: UnitOfWork) -> CallPage:
    async with uow:
        ticket_id = (await find_ticket(uow, query.ticket)).id if query.ticket else None
        needs_review = None if query.needs_review is None else query.needs_review == "true"
        calls, cursor = await uow.calls.find(ticket_id=ticket_id, needs_review=needs_review, cursor=query.cursor,
                                             limit=query.limit)
        return CallPage(items=[await _out(call, uow) for call in calls], next_cursor=cursor)


async def get_call(sid: str, settings: Settings, uow: UnitOfWork, blobs: Blobs) -> CallOut:
    """The call; its recording link is a short-lived URL straight to Blob Storage, when the recording is kept
    and storage answers."""
    async with uow:
        call = await _existing(uow, sid)
        out = await _out(call, uow)
    if call.recording_blob:
        try:
            out.recording_link = await blobs.read_url(settings.RECORDINGS_CONTAINER, call.recording_blob,
                                               RECORDING_LINK_MINUTES)
        except AtiendeError:
            out.recording_link = None
    return out


async def recording_audio(sid: str, settings: Settings, uow: UnitOfWork, blobs: Blobs) -> bytes:
    async with uow:
        call = await _existing(uow, sid)
    if not call.recording_blob:
        raise NotFound(f"Call {sid} has no stored recording.")
    return await blobs.get(settings.RECORDINGS_CONTAINER, call.recording_blob)


async def _existing(uow: UnitOfWork, sid: str) -> Call:
    call = await uow.calls.get(sid) if re.fullmatch(CALL_SID_PATTERN, sid) else None
    if call is None:
        raise NotFound(f"There is no call {sid}.")
    return call


async def _out(call: Call, uow: UnitOfWork) -> CallOut:
    contact = await uow.contacts.get(call.contact_id) if call.contact_id else None
    return CallOut(
        sid=call.sid, from_phone=call.from_phone,
        caller=CallerOut.model_validate(contact, from_attributes=True) if contact else None,
        # The column's CHECK holds it to CallIntent's values.
        locale=call.locale, status=call.status, intent=cast(CallIntent | None, call.intent), started_at=call.started_at,
        ended_at=call.ended_at, duration_seconds=call.duration_seconds,
        speech={"text": call.speech_text, "confidence": call.speech_confidence} if call.speech_text else None,
        transcript={"text": call.transcript, "provider": call.transcript_provider,
                    "confidence": call.transcript_confidence} if call.transcript_provider else None,
        recording_url=f"/api/calls/{call.sid}/recording" if call.recording_blob else None,
        recording_seconds=call.recording_seconds,
        pipeline={"status": call.pipeline_status, "step": call.pipeline_step, "review_reason": call.review_reason},
        ticket=call.ticket_number, joined_existing=call.joined_existing,
        sms={"body": call.sms_body, "status": call.sms_status} if call.sms_status else None,
    )
