"""What the requester is told, and when: the events a ticket's change gives them, the messages those become on
each channel in their language, quiet hours, and the words an SMS reply can carry (STOP, a rating)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.tickets import NUMBER_PATTERN, FieldChange, OnHoldReason, State, number_from_digits

# An SMS longer than this many characters is cut (Twilio joins up to ten segments; a requester reads the rest by
# e-mail or asks); e-mail carries every word.
SMS_MAX_CHARS = 600
# A ticket of these priorities is urgent: its messages go out in quiet hours too.
URGENT_PRIORITIES = (1, 2)


@dataclass(frozen=True)
class RequesterEvent:
    event: str
    body: str | None = None


def requester_events(changes: Sequence[FieldChange], note: tuple[str, str] | None, *,
                     by_requester: bool, close_notes: str | None) -> list[RequesterEvent]:
    """What a ticket's change tells its requester: an agent's public comment, the ticket put on hold waiting for
    them, resolved (with the resolution note), reopened by an agent. Nothing the requester did themselves."""
    if by_requester:
        return []
    events: list[RequesterEvent] = []
    moved = {c.field: c for c in changes}
    state = moved.get("state")
    reason = moved.get("on_hold_reason")
    if state is not None and state.old == State.RESOLVED and state.new == State.IN_PROGRESS:
        events.append(RequesterEvent("reopened"))
    if reason is not None and reason.new == OnHoldReason.AWAITING_CALLER:
        events.append(RequesterEvent("awaiting_you"))
    if note is not None and note[0] == "comment":
        events.append(RequesterEvent("comment", note[1]))
    if state is not None and state.new == State.RESOLVED:
        events.append(RequesterEvent("resolved", close_notes))
    return events


TEXTS: dict[str, dict[str, str]] = {
    "es": {
        "subject": "[{number}] {short}",
        "sms_lead": "Atiende {number}:",
        "comment": "{body}",
        "awaiting_you": "Necesitamos su respuesta para seguir con su incidencia.",
        "resolved": "Hemos resuelto su incidencia: {body}",
        "resolved_plain": "Hemos resuelto su incidencia.",
        "reopened": "Hemos reabierto su incidencia y seguimos trabajando en ella.",
        "duplicate": "Su incidencia informa del mismo problema que {number}: seguimos con ella allí y la cerramos"
                     " como duplicada.",
        "reply_sms": "Responda a este mensaje para contestarnos.",
        "reply_email": "Responda a este correo para contestarnos; conserve {number} en el asunto.",
        "rate_sms": "¿Cómo lo hicimos? Responda con un número del 1 (mal) al 5 (muy bien).",
        "rate_email": "¿Cómo lo hicimos? Elija una nota (le pediremos que la confirme):",
        "greeting": "Hola{name}:",
        "thanks_rating": "Gracias por su valoración.",
        "commented": "Añadimos su mensaje a la incidencia {number}.",
        "opened": "Registramos su incidencia {number}. Le responderemos por este medio.",
        "which": "Tiene varias incidencias abiertas ({numbers}). Responda con el número de la que quiere contestar.",
    },
    "en": {
        "subject": "[{number}] {short}",
        "sms_lead": "Atiende {number}:",
        "comment": "{body}",
        "awaiting_you": "We need your reply to go on with your ticket.",
        "resolved": "We resolved your ticket: {body}",
        "resolved_plain": "We resolved your ticket.",
        "reopened": "We reopened your ticket and are working on it again.",
        "duplicate": "Your ticket reports the same problem as {number}: we carry on there, and close this one as"
                     " a duplicate.",
        "reply_sms": "Reply to this message to answer us.",
        "reply_email": "Reply to this e-mail to answer us; keep {number} in the subject.",
        "rate_sms": "How did we do? Reply with a number from 1 (bad) to 5 (great).",
        "rate_email": "How did we do? Choose a rating (we will ask you to confirm it):",
        "greeting": "Hello{name},",
        "thanks_rating": "Thank you for your rating.",
        "commented": "We added your message to ticket {number}.",
        "opened": "We logged your ticket {number}. We will answer you here.",
        "which": "You have several open tickets ({numbers}). Reply with the number of the one you are answering.",
    },
}


def say(key: str, language: str | None, **values: str) -> str:
    return TEXTS[language if language in TEXTS else "es"][key].format(**values)


STATE_EVENTS = frozenset({"reopened", "awaiting_you", "resolved"})
# Which of the ticket's states each state event still holds in: one its ticket has left since is not told.
_STILL_TRUE = {"reopened": frozenset({State.IN_PROGRESS, State.ON_HOLD}), "awaiting_you": frozenset({State.ON_HOLD}),
               "resolved": frozenset({State.RESOLVED, State.CLOSED})}


def still_told(events: Sequence[RequesterEvent], state: State) -> list[RequesterEvent]:
    """A burst's events as the requester should hear them, in the order they happened: every comment, and of the
    state events only the last, if the ticket is still in that state ("resolved, then reopened" tells only the
    reopening; "waiting for you" is not told once they answered)."""
    last_state = next((e for e in reversed(events) if e.event in STATE_EVENTS), None)
    return [e for e in events if e.event not in STATE_EVENTS
            or (e is last_state and state in _STILL_TRUE[e.event])]


def event_lines(events: Sequence[RequesterEvent], language: str | None) -> list[str]:
    """One line per event, in the order given; several comments in a burst each keep theirs."""
    lines = []
    for event in events:
        if event.event == "resolved":
            lines.append(say("resolved", language, body=event.body) if event.body else say("resolved_plain", language))
        elif event.event == "comment":
            lines.append(say("comment", language, body=event.body or ""))
        elif event.event == "duplicate":
            lines.append(say("duplicate", language, number=event.body or ""))
        else:
            lines.append(say(event.event, language))
    return lines


def sms_text(number: str, events: Sequence[RequesterEvent], language: str | None, ask_rating: bool) -> str:
    tail = say("rate_sms", language) if ask_rating else say("reply_sms", language)
    body = " ".join([say("sms_lead", language, number=number), *event_lines(events, language)])
    room = SMS_MAX_CHARS - len(tail) - 1
    if len(body) > room:
        body = body[: room - 1].rstrip() + "…"
    return f"{body} {tail}"


def email_text(number: str, name: str | None, events: Sequence[RequesterEvent], language: str | None,
               rating_links: Sequence[str]) -> str:
    first = f" {name.split()[0]}" if name else ""
    parts = [say("greeting", language, name=first), "", *"\n\n".join(event_lines(events, language)).split("\n")]
    if rating_links:
        parts += ["", say("rate_email", language), *(f"  {n}: {link}" for n, link in enumerate(rating_links, 1))]
    parts += ["", say("reply_email", language, number=number), "", "-- ", "Atiende"]
    return "\n".join(parts) + "\n"


def email_subject(number: str, short_description: str, language: str | None) -> str:
    return say("subject", language, number=number, short=short_description[:120])


@dataclass(frozen=True)
class QuietHours:
    """Hours of the requester's night, when a non-urgent message waits for the morning: from `start` to `end`,
    across midnight when start is later."""

    start: time
    end: time

    @classmethod
    def parse(cls, spec: str) -> QuietHours | None:
        """"21:00-08:00" (or "21-8"); an empty spec means none."""
        if not spec.strip():
            return None
        match = re.fullmatch(r"\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*", spec)
        if match is None:
            raise ValueError(f"quiet hours are HH:MM-HH:MM, not {spec!r}")
        h1, m1, h2, m2 = (int(g or 0) for g in match.groups())
        return cls(time(h1 % 24, m1), time(h2 % 24, m2))

    def send_after(self, now: datetime, zone: ZoneInfo) -> datetime:
        """`now` when it is outside quiet hours where the requester is, else the end of them (in UTC's terms of
        `now`'s zone)."""
        local = now.astimezone(zone)
        clock = local.time().replace(tzinfo=None)
        overnight = self.start > self.end
        quiet = (clock >= self.start or clock < self.end) if overnight else (self.start <= clock < self.end)
        if not quiet:
            return now
        end_day = local.date() + timedelta(days=1) if overnight and clock >= self.start else local.date()
        # Built in the zone from its wall clock, so a change of daylight saving in the night is counted right.
        wake = datetime.combine(end_day, self.end, tzinfo=zone)
        return wake.astimezone(now.tzinfo)


def zone_of(name: str | None, default: str) -> ZoneInfo:
    """The requester's time zone, else the desk's (a name the system does not know counts as none)."""
    for candidate in (name, default):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


# Twilio's own opt-out and opt-in keywords (Advanced Opt-Out's defaults): Twilio answers them itself and blocks
# messages to a number that sent STOP; the desk records it so that it stops trying, and says so on the contact.
STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "opt-out",
                        "baja", "parar", "alto"})
START_WORDS = frozenset({"start", "yes", "unstop", "subscribe", "alta"})


def keyword(body: str) -> str | None:
    """"stop" or "start" when the SMS is one of the opt-out or opt-in words and nothing else, else None."""
    word = body.strip().strip(".!¡").lower()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    return None


def rating_in(body: str) -> tuple[int, str] | None:
    """A satisfaction reply: a digit 1-5 alone, or as "4/5", or followed by a mark and words ("4 - quick, thanks",
    "2. slow"); None otherwise, so that "5 minutes after the restart it failed" stays the requester's words."""
    match = re.fullmatch(r"\s*([1-5])\s*(?:/\s*5)?\s*(?:[.,;:!\n-]+\s*(.*))?", body, flags=re.DOTALL)
    if match is None:
        return None
    return int(match.group(1)), (match.group(2) or "").strip()


def ticket_number_in(text: str) -> str | None:
    """The ticket number a requester's message names: INC0010012 in any case, or "#10012"."""
    found = re.search(rf"\b({NUMBER_PATTERN})\b", text.upper())
    if found:
        return found.group(1)
    digits = re.search(r"#\s?([0-9]{4,12})\b", text)
    return number_from_digits(digits.group(1)) if digits else None
