"""SLA clocks: response and resolution targets per priority, paused while a ticket waits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from domain.tickets import PAUSED_STATES, State, Ticket

# Used until an admin sets targets of their own: minutes to respond, minutes to resolve.
DEFAULT_TARGETS: dict[int, tuple[int, int]] = {
    1: (15, 4 * 60),
    2: (60, 8 * 60),
    3: (4 * 60, 3 * 24 * 60),
    4: (8 * 60, 5 * 24 * 60),
    5: (24 * 60, 10 * 24 * 60),
}


@dataclass(frozen=True)
class SlaTarget:
    priority: int
    response_minutes: int
    resolution_minutes: int


class SlaClock(NamedTuple):
    """A named tuple, not a frozen dataclass: a list page makes fifty of them, and a frozen dataclass sets each
    field through object.__setattr__, which made measuring a ticket cost more than reading it."""

    name: str
    target_minutes: int
    stage: str  # in_progress, paused, completed or canceled
    elapsed_seconds: float
    elapsed_percentage: float
    breach_at: datetime
    breached: bool


def measure(ticket: Ticket, target: SlaTarget, now: datetime) -> tuple[SlaClock, SlaClock]:
    return _response(ticket, target, now), _resolution(ticket, target, now)


def _response(ticket: Ticket, target: SlaTarget, now: datetime) -> SlaClock:
    if ticket.responded_at is not None:
        end, stage = ticket.responded_at, "completed"
    elif ticket.state == State.CANCELED:
        end, stage = ticket.closed_at or now, "canceled"
    else:
        end, stage = now, "in_progress"
    return _clock("response", target.response_minutes, stage, ticket.opened_at, end, 0.0)


def _resolution(ticket: Ticket, target: SlaTarget, now: datetime) -> SlaClock:
    paused = ticket.paused_seconds
    if ticket.state in (State.RESOLVED, State.CLOSED):
        end, stage = ticket.resolved_at or ticket.closed_at or now, "completed"
    elif ticket.state == State.CANCELED:
        end, stage = ticket.closed_at or now, "canceled"
    else:
        end = now
        stage = "paused" if ticket.state in PAUSED_STATES else "in_progress"
        if ticket.paused_since is not None:
            paused += max(0.0, (now - ticket.paused_since).total_seconds())
    return _clock("resolution", target.resolution_minutes, stage, ticket.opened_at, end, paused)


def _clock(name: str, minutes: int, stage: str, start: datetime, end: datetime, paused: float) -> SlaClock:
    target_seconds = minutes * 60
    elapsed = max(0.0, (end - start).total_seconds() - paused)
    return SlaClock(
        name=name,
        target_minutes=minutes,
        stage=stage,
        elapsed_seconds=round(elapsed, 3),
        elapsed_percentage=round(100.0 * elapsed / target_seconds, 1),
        breach_at=start + timedelta(seconds=paused + target_seconds),
        breached=elapsed > target_seconds,
    )
