"""The steps of `call_to_ticket`, one use case per durable activity.

Activities run at least once: a retry, or a host restarting mid-step, runs a step again. Each step therefore
checks what the call already holds before it acts, so a second run changes nothing.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from domain.analysis import Analysis, Analyzer
from domain.calls import VOICE_ACTOR, Call, check_recording_url, transcript_is_better
from domain.contacts import can_text, is_withheld
from domain.errors import AtiendeError, NotFound
from domain.ports import Blobs, Telephony, Transcriber
from domain.services.duplicates import DuplicateFinder
from domain.services.tickets import open_ticket
from domain.settings import Settings
from domain.store.uow import UnitOfWork
from domain.tickets import OPEN_STATES, Channel, Ticket
from domain.triage import FIELDS
from domain.voice_script import text
from domain.work_notes import WorkNote, note, sentence

# Why an unclear call is listed for review: always these words, so a later clear transcript can tell that this was
# the only reason and take the call off the list.
UNCLEAR_REASON = "the transcript is unclear: listen to the recording"
# Triage for a call's words: (short description, description) -> the answer /api/triage gives.
Suggest = Callable[[str, str], Awaitable[dict[str, Any]]]
# What the desk writes on a phone ticket itself, in the caller's language.
_TICKET_TEXTS = {
    "es": {"silent": "Llamada de {phone} sin descripción", "unclear": "Llamada de {phone}, transcripción poco clara",
           "unclear_body": "La transcripción de la llamada no es fiable ({source}, confianza {confidence}): escuche "
                           "la grabación. Lo que se entendió:", "withheld": "número oculto"},
    "en": {"silent": "Call from {phone} with no description", "unclear": "Call from {phone}, transcript unclear",
           "unclear_body": "The call's transcript is not reliable ({source}, confidence {confidence}): listen to "
                           "the recording. What was heard:", "withheld": "withheld number"},
}


async def begin(sid: str, now: datetime, uow: UnitOfWork) -> dict[str, Any]:
    async with uow:
        call = await _call(uow, sid)
        await uow.calls.update(sid, now, pipeline_status="running", pipeline_step="started")
        await uow.commit()
    return {"has_speech": bool((call.speech_text or "").strip()), "ticket": call.ticket_number}


async def store_recording(sid: str, now: datetime, settings: Settings, uow: UnitOfWork, telephony: Telephony,
                          blobs: Blobs) -> str | None:
    """Copy the recording from Twilio into Blob Storage; the blob's name, or None when Twilio sent none.
    RecordingRefused, with nothing fetched, when the URL is on no recording host: the call then goes for review."""
    async with uow:
        call = await _call(uow, sid)
    if call.recording_blob:
        return call.recording_blob
    if not call.recording_url:
        return None
    check_recording_url(call.recording_url, settings.recording_hosts)
    audio = await telephony.download_recording(call.recording_url)
    name = f"{sid}/{call.recording_sid or 'recording'}.wav"
    await blobs.put(settings.RECORDINGS_CONTAINER, name, audio, "audio/wav")
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
    audio = await blobs.get(settings.RECORDINGS_CONTAINER, call.recording_blob)
    result = await engine.transcribe(audio, call.language)
    async with uow:
        await uow.calls.update(sid, now, transcript=result.text, transcript_provider=result.provider,
                               transcript_confidence=result.confidence, pipeline_step="transcribe")
        await uow.commit()
    return result.provider


async def analyze_call(sid: str, now: datetime, settings: Settings, uow: UnitOfWork, analyzer: Analyzer,
                       suggest: Suggest) -> dict[str, Any]:
    """The call's ticket fields: the words as the rules read them (title, summary, language), and category,
    subcategory, group, impact and urgency from the desk's learned triage where its calibration is sure enough.
    An unclear transcript fills nothing and titles nothing."""
    async with uow:
        call = await _call(uow, sid)
        categories = {c["name"]: c["subcategories"] for c in await uow.reference.categories()}
        await uow.calls.update(sid, now, pipeline_step="analyze")
        await uow.commit()
    facts = _analysis(call, analyzer, categories, settings)
    if facts.description and not facts.unclear:
        facts = await _triaged(facts, suggest)
    return facts.to_dict()


async def _triaged(facts: Analysis, suggest: Suggest) -> Analysis:
    """The rules' reading with triage's sure fields in place of theirs. A desk that has no labelled tickets yet
    keeps the rules' category; one that has them fills only what triage is sure of, and leaves the rest empty for
    an agent (the untriaged queue) rather than guessing."""
    try:
        answer = await suggest(facts.short_description, facts.description)
    except AtiendeError:
        return facts  # Redis or the model is out: the rules stand, and the ticket still opens
    if answer.get("classifier") is None and not answer.get("neighbours"):
        return facts
    sure = {name: answer[name]["value"] if answer[name]["fills"] else None for name in FIELDS}
    if sure["subcategory"] and not sure["category"]:
        sure["category"] = answer["category"]["value"]  # sure of the pair is sure of its category
    if sure["category"] is None:
        sure["subcategory"] = None
    suggested = {name: answer[name] for name in sure}
    return replace(facts, category=sure["category"], subcategory=sure["subcategory"],
                   assignment_group=sure["assignment_group"], impact=sure["impact"] or facts.impact,
                   urgency=sure["urgency"] or facts.urgency, suggested=suggested)


async def find_same_problem(sid: str, facts: Analysis, now: datetime, uow: UnitOfWork,
                            finder: DuplicateFinder) -> str | None:
    if facts.unclear:
        return None  # words no one can trust join no one's ticket
    async with uow:
        found = await finder.find(facts.description, facts.language, now, uow, _labels(facts))
        await uow.calls.update(sid, now, pipeline_step="find_duplicate")
        await uow.commit()
    return found[0] if found else None


async def create_or_join(sid: str, facts: Analysis, candidate: str | None, now: datetime, settings: Settings,
                         uow: UnitOfWork, finder: DuplicateFinder) -> dict[str, Any]:
    """Open the call's ticket, or join the open ticket that already reports the problem (the caller counted
    as affected, the impact raised with their number, a work note, no new ticket). Once per call, however often
    it runs."""
    async with uow:
        call = await _call(uow, sid, for_update=True)
        if call.ticket_number:
            return {"ticket": call.ticket_number, "joined": call.joined_existing}
        await uow.calls.serialize_ticket_creation()
        parent = await uow.tickets.get(candidate, for_update=True) if candidate else None
        if (parent is None or parent.state not in OPEN_STATES) and not facts.unclear:
            # Under the lock, so a ticket another caller opened a moment ago is seen.
            found = await finder.find(facts.description, facts.language, now, uow, _labels(facts))
            parent = await uow.tickets.get(found[0], for_update=True) if found else None
        if parent is not None and parent.state in OPEN_STATES:
            await join_ticket(parent, call, f"“{facts.description[:500]}”", now, settings, uow)
            await uow.calls.update(sid, now, pipeline_step="create_or_join")
            await uow.commit()
            return {"ticket": parent.number, "joined": True}
        caller = await uow.contacts.get(call.contact_id) if call.contact_id else None
        ticket = await open_ticket(
            uow, VOICE_ACTOR, now, caller=caller, channel=Channel.PHONE, short_description=facts.short_description,
            description=facts.description, impact=facts.impact, urgency=facts.urgency, category=facts.category,
            subcategory=facts.subcategory, assignment_group=facts.assignment_group,
        )
        assert ticket.id is not None  # open_ticket stored it, which gave it its id
        await uow.tickets.add_note(ticket.id, "work_note", VOICE_ACTOR, now, _opening_note(call, facts))
        await uow.calls.update(sid, now, ticket_id=ticket.id, pipeline_step="create_or_join",
                               **({"review_reason": UNCLEAR_REASON} if facts.unclear else {}))
        await uow.commit()
    return {"ticket": ticket.number, "joined": False}


async def join_ticket(parent: Ticket, call: Call, said: str, now: datetime, settings: Settings,
                      uow: UnitOfWork) -> None:
    """Add the call to the open ticket it reports (locked by the caller): one more affected caller when they are
    new to it, and the impact raised when enough callers say the same (an outage), with a work note each."""
    assert parent.id is not None  # read from the database, so it has its id
    new_caller = call.contact_id is None or (
        call.contact_id != parent.caller_id and await uow.calls.add_affected(parent.id, call.contact_id, call.sid, now))
    affected = await uow.tickets.count_affected_caller(parent.id) if new_caller else parent.affected_callers
    await uow.tickets.add_note(parent.id, "work_note", VOICE_ACTOR, now,
                               note(sentence("another_caller", sid=call.sid, said=said)))
    await uow.calls.update(call.sid, now, ticket_id=parent.id, joined_existing=True)
    impact = outage_impact(affected, settings)
    if impact is not None and impact < parent.impact:
        changes = parent.update({"impact": impact}, VOICE_ACTOR, now)
        await uow.tickets.save(parent, VOICE_ACTOR, now, changes, note=("work_note", note(
            sentence("outage_raised", count=affected, impact=impact, priority=parent.priority))))


def outage_impact(callers: int, settings: Settings) -> int | None:
    """The impact that `callers` distinct callers of one problem call for; None while they are few."""
    if callers >= settings.OUTAGE_HIGH_IMPACT_CALLERS:
        return 1
    if callers >= settings.OUTAGE_MEDIUM_IMPACT_CALLERS:
        return 2
    return None


async def notify_caller(sid: str, now: datetime, uow: UnitOfWork, telephony: Telephony) -> str:
    """Text the caller their ticket number, once; returns how the SMS fared."""
    async with uow:
        call = await _call(uow, sid, for_update=True)
        if call.sms_status in ("sent", "not_configured") or not call.ticket_number:
            return call.sms_status or "no_ticket"
        ticket = await uow.tickets.get(call.ticket_number)
        # Words the desk could not make out are not repeated to the caller: the number alone.
        key = "sms_joined" if call.joined_existing else "sms_number" if call.review_reason else "sms_created"
        body = text(key, call.language, number=call.ticket_number, short=ticket.short_description if ticket else "")
        if can_text(call.from_phone):
            sid_sent = await telephony.send_sms(call.from_phone, body)
            status = "sent" if sid_sent else "not_configured"
        else:
            sid_sent, status = None, "no_phone"
        await uow.calls.update(sid, now, sms_body=body, sms_sid=sid_sent, sms_status=status, pipeline_step="notify")
        await uow.commit()
    return status


async def improve_ticket(sid: str, now: datetime, settings: Settings, uow: UnitOfWork, analyzer: Analyzer) -> bool:
    """Put the recording's transcript in the ticket's description when it is better than the live one; when the
    ticket was titled as unclear and this transcript is clear, it gives the title too and the call needs no
    review for it any more."""
    async with uow:
        call = await _call(uow, sid)
        if call.joined_existing or not call.ticket_number or not transcript_is_better(call):
            return False
        ticket = await uow.tickets.get(call.ticket_number, for_update=True)
        new = (call.transcript or "").strip()
        if ticket is None or ticket.is_final or ticket.description.startswith(new):
            return False
        if _unclear(call.transcript_confidence, settings):
            return False  # an unclear recording does not replace anything
        values: dict[str, Any] = {"description": new}
        was_unclear = call.review_reason == UNCLEAR_REASON
        if was_unclear:
            values["short_description"] = analyzer.analyze(new, call.language, {}).short_description
        changes = ticket.update(values, VOICE_ACTOR, now)
        await uow.tickets.save(ticket, VOICE_ACTOR, now, changes, note=("work_note", note(sentence(
            "transcript_replaced", provider=call.transcript_provider, confidence_pct=call.transcript_confidence,
            live_pct=call.speech_confidence, live=call.speech_text or ""))))
        await uow.calls.update(sid, now, pipeline_step="improve_ticket",
                               **({"review_reason": None} if was_unclear else {}))
        await uow.commit()
    return True


async def mark_for_review(sid: str, reason: str, now: datetime, settings: Settings, uow: UnitOfWork,
                          analyzer: Analyzer) -> dict[str, Any]:
    """The last resort when a step failed for good: the call still ends in a ticket, with whatever was
    captured, marked so that an agent looks at it."""
    async with uow:
        call = await _call(uow, sid, for_update=True)
        if call.ticket_number is None:
            categories = {c["name"]: c["subcategories"] for c in await uow.reference.categories()}
            facts = _analysis(call, analyzer, categories, settings)
            caller = await uow.contacts.get(call.contact_id) if call.contact_id else None
            ticket = await open_ticket(
                uow, VOICE_ACTOR, now, caller=caller, channel=Channel.PHONE,
                short_description=facts.short_description, description=facts.description, impact=facts.impact,
                urgency=facts.urgency, category=facts.category, subcategory=facts.subcategory,
            )
            await uow.calls.update(sid, now, ticket_id=ticket.id)
            call.ticket_id, call.ticket_number = ticket.id, ticket.number
        assert call.ticket_id is not None
        await uow.tickets.add_note(call.ticket_id, "work_note", VOICE_ACTOR, now, note(
            sentence("needs_review", reason=reason, sid=sid),
            sentence("recording_kept", blob=call.recording_blob) if call.recording_blob else None))
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


def _analysis(call: Call, analyzer: Analyzer, categories: dict[str, list[str]], settings: Settings) -> Analysis:
    said, source, confidence = call.heard()
    words = _TICKET_TEXTS["es" if call.language == "es" else "en"]
    phone = words["withheld"] if is_withheld(call.from_phone) else call.from_phone
    if said and _unclear(confidence, settings):
        body = words["unclear_body"].format(source=source, confidence=_percent(confidence))
        return Analysis(short_description=words["unclear"].format(phone=phone), description=f"{body}\n“{said}”",
                        summary="", language=call.language, impact=3, urgency=3, unclear=True)
    if said:
        return analyzer.analyze(said, call.language, categories)
    return Analysis(short_description=words["silent"].format(phone=phone), description="", summary="",
                    language=call.language, impact=3, urgency=3)


def _labels(facts: Analysis) -> tuple[str | None, str | None, str | None]:
    return facts.category, facts.subcategory, facts.assignment_group


def _unclear(confidence: float | None, settings: Settings) -> bool:
    """Whether words heard with this confidence are too unsure to title a ticket or reach an SMS; a provider that
    states no confidence is taken at its word."""
    return confidence is not None and confidence < settings.TRANSCRIPT_MIN_CONFIDENCE


def _opening_note(call: Call, facts: Analysis) -> WorkNote:
    opened = (sentence("call_opened_recording", sid=call.sid, locale=call.locale, provider=call.transcript_provider)
              if transcript_is_better(call) else sentence("call_opened_live", sid=call.sid, locale=call.locale))
    sentences = [opened, sentence("call_unclear") if facts.unclear
                 else sentence("call_summary", summary=facts.summary) if facts.summary else None]
    if facts.suggested:
        left = [sentence("suggested_item", field=name, value=s["value"], confidence_pct=s["confidence"])
                for name, s in facts.suggested.items() if s["value"] is not None and not s["fills"]]
        if facts.assignment_group is None:
            sentences.append(sentence("untriaged"))
        if left:
            sentences += [sentence("suggested"), *left]
    return note(*sentences)


def _percent(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0%}"
