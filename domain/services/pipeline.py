"""The steps of `call_to_ticket`, one use case per durable activity.

Activities run at least once: a retry, or a host restarting mid-step, runs a step again. Each step therefore
checks what the call already holds before it acts, so a second run changes nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.analysis import Analysis, Analyzer, DuplicateFinder
from domain.calls import Call, transcript_is_better
from domain.errors import NotFound
from domain.ports import Blobs, Telephony, Transcriber
from domain.services.tickets import open_ticket
from domain.settings import Settings
from domain.store.uow import UnitOfWork
from domain.tickets import OPEN_STATES, Channel
from domain.voice_script import text

VOICE_ACTOR = "atiende:voice"


async def begin(sid: str, now: datetime, uow: UnitOfWork) -> dict[str, Any]:
    async with uow:
        call = await _call(uow, sid)
        await uow.calls.update(sid, now, pipeline_status="running", pipeline_step="started")
        await uow.commit()
    return {"has_speech": bool((call.speech_text or "").strip()), "ticket": call.ticket_number}


async def store_recording(sid: str, now: datetime, settings: Settings, uow: UnitOfWork, telephony: Telephony,
                          blobs: Blobs) -> str | None:
    """Copy the recording from Twilio into Blob Storage; the blob's name, or None when Twilio sent none."""
    async with uow:
        call = await _call(uow, sid)
    if call.recording_blob:
        return call.recording_blob
    if not call.recording_url:
        return None
    audio = telephony.download_recording(call.recording_url)
    name = f"{sid}/{call.recording_sid or 'recording'}.wav"
    blobs.put(settings.RECORDINGS_CONTAINER, name, audio, "audio/wav")
    async with uow:
        await uow.calls.update(sid, now, recording_blob=name, pipeline_step="store_recording")
        await uow.commit()
    return name


async def transcribe_recording(sid: str, offline_only: bool, now: datetime, settings: Settings, uow: UnitOfWork,
                               blobs: Blobs, transcriber: Transcriber | None, offline: Transcriber) -> str | None:
    """Transcribe the stored recording with the configured provider; offline only when the call has no
    transcript at all. Returns the provider used, or None when nothing needed transcribing."""
    async with uow:
        call = await _call(uow, sid)
    if not call.recording_blob or call.transcript_provider:
        return call.transcript_provider
    if offline_only:
        engine = offline
    elif transcriber is not None:
        engine = transcriber
    elif not (call.speech_text or "").strip():
        engine = offline
    else:
        return None  # Twilio's live transcript stands: the offline model would only be worse
    audio = blobs.get(settings.RECORDINGS_CONTAINER, call.recording_blob)
    result = engine.transcribe(audio, call.language)
    async with uow:
        await uow.calls.update(sid, now, transcript=result.text, transcript_provider=result.provider,
                               transcript_confidence=result.confidence, pipeline_step="transcribe")
        await uow.commit()
    return result.provider


async def analyze_call(sid: str, now: datetime, uow: UnitOfWork, analyzer: Analyzer) -> dict[str, Any]:
    async with uow:
        call = await _call(uow, sid)
        categories = {c["name"]: c["subcategories"] for c in await uow.reference.categories()}
        await uow.calls.update(sid, now, pipeline_step="analyze")
        await uow.commit()
    return _analysis(call, analyzer, categories).to_dict()


async def find_same_problem(sid: str, analysis: dict[str, Any], now: datetime, uow: UnitOfWork,
                            finder: DuplicateFinder) -> str | None:
    async with uow:
        found = await finder.find(analysis["description"], analysis["language"], now, uow)
        await uow.calls.update(sid, now, pipeline_step="find_duplicate")
        await uow.commit()
    return found[0] if found else None


async def create_or_join(sid: str, analysis: dict[str, Any], candidate: str | None, now: datetime, uow: UnitOfWork,
                         finder: DuplicateFinder) -> dict[str, Any]:
    """Open the call's ticket, or join the open ticket that already reports the problem (the caller counted
    as affected, a work note, no new ticket). Once per call, however often it runs."""
    facts = Analysis(**analysis)
    async with uow:
        call = await _call(uow, sid, for_update=True)
        if call.ticket_number:
            return {"ticket": call.ticket_number, "joined": call.joined_existing}
        await uow.calls.serialize_ticket_creation()
        parent = await uow.tickets.get(candidate, for_update=True) if candidate else None
        if parent is None or parent.state not in OPEN_STATES:
            # Under the lock, so a ticket another caller opened a moment ago is seen.
            found = await finder.find(facts.description, facts.language, now, uow)
            parent = await uow.tickets.get(found[0], for_update=True) if found else None
        if parent is not None:
            if call.contact_id:
                await uow.calls.add_affected(parent.id, call.contact_id, sid, now)
            await uow.tickets.add_note(parent.id, "work_note", VOICE_ACTOR, now,
                                       f"Another caller reports this problem ({call.from_phone}, call {sid}): "
                                       f"“{facts.description[:500]}”")
            await uow.calls.update(sid, now, ticket_id=parent.id, joined_existing=True, pipeline_step="create_or_join")
            await uow.commit()
            return {"ticket": parent.number, "joined": True}
        caller = await uow.contacts.get(call.contact_id) if call.contact_id else None
        ticket = await open_ticket(
            uow, VOICE_ACTOR, now, caller=caller, channel=Channel.PHONE, short_description=facts.short_description,
            description=facts.description, impact=facts.impact, urgency=facts.urgency, category=facts.category,
            subcategory=facts.subcategory,
        )
        await uow.tickets.add_note(ticket.id, "work_note", VOICE_ACTOR, now, _opening_note(call, facts))
        await uow.calls.update(sid, now, ticket_id=ticket.id, pipeline_step="create_or_join")
        await uow.commit()
    return {"ticket": ticket.number, "joined": False}


async def notify_caller(sid: str, now: datetime, uow: UnitOfWork, telephony: Telephony) -> str:
    """Text the caller their ticket number, once; returns how the SMS fared."""
    async with uow:
        call = await _call(uow, sid, for_update=True)
        if call.sms_status in ("sent", "not_configured") or not call.ticket_number:
            return call.sms_status or "no_ticket"
        ticket = await uow.tickets.get(call.ticket_number)
        key = "sms_joined" if call.joined_existing else "sms_created"
        body = text(key, call.language, number=call.ticket_number, short=ticket.short_description if ticket else "")
        if call.from_phone.startswith("+"):
            sid_sent = telephony.send_sms(call.from_phone, body)
            status = "sent" if sid_sent else "not_configured"
        else:
            sid_sent, status = None, "no_phone"
        await uow.calls.update(sid, now, sms_body=body, sms_sid=sid_sent, sms_status=status, pipeline_step="notify")
        await uow.commit()
    return status


async def improve_ticket(sid: str, now: datetime, uow: UnitOfWork) -> bool:
    """Put the recording's transcript in the ticket's description when it is better than the live one."""
    async with uow:
        call = await _call(uow, sid)
        if call.joined_existing or not call.ticket_number or not transcript_is_better(call):
            return False
        ticket = await uow.tickets.get(call.ticket_number, for_update=True)
        new = (call.transcript or "").strip()
        if ticket is None or ticket.is_final or ticket.description.startswith(new):
            return False
        changes = ticket.update({"description": new}, VOICE_ACTOR, now)
        await uow.tickets.save(ticket, VOICE_ACTOR, now, changes, note=(
            "work_note",
            f"Description replaced by the recording's transcript ({call.transcript_provider}, confidence "
            f"{_percent(call.transcript_confidence)}); the live transcript ({_percent(call.speech_confidence)}) "
            f"was: “{call.speech_text or ''}”",
        ))
        await uow.calls.update(sid, now, pipeline_step="improve_ticket")
        await uow.commit()
    return True


async def mark_for_review(sid: str, reason: str, now: datetime, uow: UnitOfWork, analyzer: Analyzer) -> dict[str, Any]:
    """The last resort when a step failed for good: the call still ends in a ticket, with whatever was
    captured, marked so that an agent looks at it."""
    async with uow:
        call = await _call(uow, sid, for_update=True)
        if call.ticket_number is None:
            categories = {c["name"]: c["subcategories"] for c in await uow.reference.categories()}
            facts = _analysis(call, analyzer, categories)
            caller = await uow.contacts.get(call.contact_id) if call.contact_id else None
            ticket = await open_ticket(
                uow, VOICE_ACTOR, now, caller=caller, channel=Channel.PHONE,
                short_description=facts.short_description, description=facts.description, impact=facts.impact,
                urgency=facts.urgency, category=facts.category, subcategory=facts.subcategory,
            )
            await uow.calls.update(sid, now, ticket_id=ticket.id)
            call.ticket_id, call.ticket_number = ticket.id, ticket.number
        assert call.ticket_id is not None
        recording = f" The recording is kept ({call.recording_blob})." if call.recording_blob else ""
        await uow.tickets.add_note(call.ticket_id, "work_note", VOICE_ACTOR, now,
                                   f"Needs review: {reason} while turning call {sid} into this ticket.{recording}")
        await uow.calls.update(sid, now, review_reason=reason, pipeline_step="review")
        await uow.commit()
    return {"ticket": call.ticket_number, "joined": call.joined_existing}


async def finish(sid: str, status: str, now: datetime, uow: UnitOfWork) -> None:
    async with uow:
        await uow.calls.update(sid, now, pipeline_status=status, pipeline_step="done")
        await uow.commit()


async def _call(uow: UnitOfWork, sid: str, for_update: bool = False) -> Call:
    call = await uow.calls.get(sid, for_update=for_update)
    if call is None:
        raise NotFound(f"There is no call {sid}.")
    return call


def _analysis(call: Call, analyzer: Analyzer, categories: dict[str, list[str]]) -> Analysis:
    said = call.best_text()
    if said:
        return analyzer.analyze(said, call.language, categories)
    short = ("Llamada de {phone} sin descripción" if call.language == "es" else "Call from {phone} with no description")
    return Analysis(short_description=short.format(phone=call.from_phone), description="", summary="",
                    language=call.language, impact=3, urgency=3)


def _opening_note(call: Call, facts: Analysis) -> str:
    source = "live transcript" if not transcript_is_better(call) else f"recording ({call.transcript_provider})"
    return (f"Opened from call {call.sid} from {call.from_phone} ({call.locale}), described in the {source}. "
            f"Summary: {facts.summary}")


def _percent(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0%}"
