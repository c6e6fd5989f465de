"""The phone conversation: each Twilio webhook's use case, answered with the steps the caller hears (the voice
door turns them into TwiML).

Every function here is safe to run again for the same CallSid: Twilio retries webhooks, and a retry must
change nothing more than the first delivery did.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.calls import Call, PipelineProgress, call_locale, heard_ticket_number, menu_choice
from domain.contacts import WITHHELD, Contact, is_withheld, phone_key
from domain.schemas.calls import TwilioForm
from domain.services.pipeline import join_ticket
from domain.settings import Settings
from domain.store.uow import UnitOfWork
from domain.tickets import OPEN_STATES, Ticket
from domain.voice_script import STATE_NAMES, Hangup, Listen, Pause, RecordCall, Redirect, Say, Step, say_number, text

# The caller waits this many one-second pauses for the ticket number before being promised an SMS.
MAX_WAIT_ROUNDS = 20
_FINAL_CALL_STATUSES = {"completed", "busy", "no-answer", "failed", "canceled"}


@dataclass(frozen=True)
class Reply:
    steps: list[Step]
    start_pipeline: bool = False


async def answer_call(form: TwilioForm, now: datetime, settings: Settings, uow: UnitOfWork) -> list[Step]:
    """Greet the caller in their language, name the major incident under way if there is one (joinable with one
    key), and offer the menu. An unknown number becomes a contact, once."""
    async with uow:
        call = await _known_call(form, now, settings, uow)
        contact = await uow.contacts.get(call.contact_id) if call.contact_id else None
        majors = await uow.tickets.major_incidents(settings.OUTAGE_MEDIUM_IMPACT_CALLERS, limit=1)
        await uow.commit()
    name = f", {contact.name.split()[0]}" if contact and contact.name else ""
    return [Say(text("welcome", call.language, name=name), call.locale),
            *_menu(call, settings, outage=majors[0].short_description if majors else None)]


async def choose(form: TwilioForm, attempt: int, now: datetime, settings: Settings, uow: UnitOfWork) -> Reply:
    """Act on the menu choice: record and ask for the problem, read the caller's tickets, or add the caller to the
    major incident the greeting named (its pipeline then texts them the number)."""
    choice = menu_choice(form.Digits, form.SpeechResult)
    joined: Ticket | None = None
    async with uow:
        call = await _known_call(form, now, settings, uow)
        if choice == "join" and call.intent is None:
            joined = await _join_major_incident(call, now, settings, uow)
            choice = "joined" if joined else "report"  # over since the greeting: the caller tells us instead
        if choice and call.intent is None:
            await uow.calls.update(call.sid, now, intent=choice)
            call.intent = choice
        await uow.commit()
    if call.intent == "joined":
        number = joined.number if joined else call.ticket_number
        return Reply([Say(say_number("joined", call.language, number or ""), call.locale), Hangup()],
                     start_pipeline=True)
    if call.intent == "report":
        # The whole rest of the call is recorded: a caller who hangs up mid-sentence still gets a ticket.
        return Reply([RecordCall(_url(settings, "recording")), _ask_problem(call, settings, "ask_problem", attempt=1)])
    if call.intent == "status":
        return Reply(await _read_status(call, None, settings, uow))
    if attempt < 2:
        return Reply([Say(text("not_understood", call.language), call.locale),
                      *_menu(call, settings, attempt=attempt + 1)])
    return Reply([Say(text("goodbye", call.language), call.locale), Hangup()])


async def _join_major_incident(call: Call, now: datetime, settings: Settings, uow: UnitOfWork) -> Ticket | None:
    """Add the caller to the open major incident, as a call describing it would be; None when there is none
    any more."""
    majors = await uow.tickets.major_incidents(settings.OUTAGE_MEDIUM_IMPACT_CALLERS, limit=1)
    parent = await uow.tickets.get(majors[0].number, for_update=True) if majors else None
    if parent is None or parent.state not in OPEN_STATES:
        return None
    await join_ticket(parent, call, "they pressed the key for the major incident the greeting named.", now,
                      settings, uow)
    return parent


async def hear_problem(form: TwilioForm, attempt: int, now: datetime, settings: Settings, uow: UnitOfWork) -> Reply:
    """Keep what the caller said (the first delivery wins) and start the pipeline; ask once more on silence."""
    heard = (form.SpeechResult or "").strip()
    async with uow:
        call = await _known_call(form, now, settings, uow)
        if heard and not call.speech_text:
            await uow.calls.update(call.sid, now, speech_text=heard, speech_confidence=form.Confidence, intent="report")
        await uow.commit()
    if heard or call.speech_text:
        return Reply([Say(text("one_moment", call.language), call.locale), Redirect(_url(settings, "wait", round=0))],
                     start_pipeline=True)
    if attempt < 2:
        return Reply([_ask_problem(call, settings, "ask_again", attempt=attempt + 1)])
    return Reply([Say(text("silent", call.language), call.locale), Hangup()], start_pipeline=True)


async def wait_for_ticket(form: TwilioForm, round_: int, progress: PipelineProgress | None, now: datetime,
                          settings: Settings, uow: UnitOfWork) -> list[Step]:
    """While the pipeline runs: a short pause and another look, until the ticket number can be spoken.
    `progress` is the orchestration's custom status."""
    async with uow:
        call = await _known_call(form, now, settings, uow)
        await uow.commit()
    progress = progress or {}
    number = progress.get("ticket")
    if number:
        key = "joined" if progress.get("joined") else "created"
        return [Say(say_number(key, call.language, number), call.locale), Hangup()]
    if progress.get("step") == "review" or round_ >= MAX_WAIT_ROUNDS:
        return [Say(text("later", call.language), call.locale), Hangup()]
    return [Pause(1), Redirect(_url(settings, "wait", round=round_ + 1))]


async def tell_status(form: TwilioForm, now: datetime, settings: Settings, uow: UnitOfWork) -> list[Step]:
    """Read the state of the ticket the caller keyed or said; only a ticket whose caller is this phone."""
    async with uow:
        call = await _known_call(form, now, settings, uow)
        await uow.commit()
    return await _read_status(call, heard_ticket_number(form.Digits, form.SpeechResult) or "", settings, uow)


async def recording_arrived(form: TwilioForm, now: datetime, settings: Settings, uow: UnitOfWork) -> bool:
    """Keep where Twilio holds the recording; True when the call is a report whose pipeline needs it."""
    async with uow:
        call = await _known_call(form, now, settings, uow)
        if form.RecordingStatus in (None, "completed") and form.RecordingUrl and call.recording_url is None:
            await uow.calls.update(call.sid, now, recording_sid=form.RecordingSid, recording_url=form.RecordingUrl,
                                   recording_seconds=form.RecordingDuration)
        await uow.commit()
    return call.intent == "report"


async def call_status_changed(form: TwilioForm, now: datetime, settings: Settings, uow: UnitOfWork) -> bool:
    """Keep the call's final status (abandoned calls too); True when a reported problem still needs its
    pipeline, as when the caller hung up before Twilio heard them."""
    async with uow:
        call = await _known_call(form, now, settings, uow)
        if form.CallStatus in _FINAL_CALL_STATUSES and call.ended_at is None:
            await uow.calls.update(call.sid, now, status=form.CallStatus, ended_at=now, duration_seconds=form.CallDuration)
        await uow.commit()
    return call.intent == "report" and form.CallStatus in _FINAL_CALL_STATUSES


async def _known_call(form: TwilioForm, now: datetime, settings: Settings, uow: UnitOfWork) -> Call:
    """The call, recorded on the first webhook that names it, with its caller as a contact. The number is kept as
    Twilio sent it, whatever libphonenumber makes of it (a +52 1 mobile is a caller too); a withheld one makes a
    call with no contact."""
    call = await uow.calls.get(form.CallSid)
    if call is not None:
        return call
    phone = None if is_withheld(form.From) else (form.From or "").strip()
    contact = None
    if phone:
        known = await uow.contacts.find(phone=phone, limit=1)
        language = known[0].language if known else call_locale(None, phone, settings.DEFAULT_CALL_LOCALE)[:2]
        contact = known[0] if known else await uow.contacts.find_or_add(Contact(phone=phone, language=language))
    locale = call_locale(contact.language if contact else None, phone or "", settings.DEFAULT_CALL_LOCALE)
    return await uow.calls.start(Call(sid=form.CallSid, from_phone=phone or WITHHELD, to_phone=form.To or None,
                                contact_id=contact.id if contact else None, locale=locale, started_at=now))


def _menu(call: Call, settings: Settings, attempt: int = 1, outage: str | None = None) -> list[Step]:
    prompts = [Say(text("outage", call.language, short=outage.rstrip(".")), call.locale)] if outage else []
    prompts.append(Say(text("menu", call.language), call.locale))
    return [Listen(_url(settings, "menu", attempt=attempt), "dtmf speech", call.locale, timeout=5,
                   prompts=tuple(prompts), num_digits=1, hints="reportar, estado, report, status"),
            # Past the gather only when the caller said nothing: offer the menu once more through the same action.
            Redirect(_url(settings, "menu", attempt=attempt))]


def _ask_problem(call: Call, settings: Settings, prompt: str, attempt: int) -> Listen:
    return Listen(_url(settings, "problem", attempt=attempt), "speech", call.locale, timeout=6,
                  prompts=(Say(text(prompt, call.language), call.locale),), action_on_empty_result=True)


async def _read_status(call: Call, number: str | None, settings: Settings, uow: UnitOfWork) -> list[Step]:
    """None reads the caller's open tickets; a number reads that ticket when it is the caller's."""
    language = call.language
    lines: list[str] = []
    async with uow:
        if is_withheld(call.from_phone):
            tickets = []  # a withheld number proves nothing about whose tickets these are
        elif number is None:
            tickets = await uow.tickets.open_for_caller(call.from_phone, limit=3)
        else:
            ticket = await uow.tickets.get(number) if number else None
            mine = ticket and ticket.caller and phone_key(ticket.caller.phone) == phone_key(call.from_phone)
            tickets = [ticket] if ticket and mine else []
        comments: dict[str, str | None] = {}  # by ticket number
        for t in tickets:
            assert t.id is not None  # read from the database, so it has its id
            comments[t.number] = await uow.tickets.last_comment(t.id)
    if number is None:
        count = len(tickets)
        lines.append(text("open_one" if count == 1 else "open_count" if count else "no_open", language, count=count))
    elif not tickets:
        lines.append(text("not_found", language))
    for ticket in tickets:
        group = ticket.assignment_group or text("unassigned", language)
        lines.append(say_number("status", language, ticket.number,
                                state=STATE_NAMES[language][ticket.state.api_name], group=group))
        comment = comments[ticket.number]
        if comment:
            lines.append(text("last_comment", language, comment=comment[:300]))
    return [Listen(_url(settings, "status"), "dtmf speech", call.locale, timeout=8,
                   prompts=(Say(" ".join([*lines, text("ask_number", language)]), call.locale),), num_digits=7,
                   finish_on_key="#"),
            Say(text("goodbye", language), call.locale), Hangup()]


def _url(settings: Settings, hook: str, **query: str | int) -> str:
    base = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/api/voice/{hook}"
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
