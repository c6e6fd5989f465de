"""The incident: states and their allowed moves, priority from impact x urgency, and the rules of change."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, IntEnum
from typing import Any

from domain.contacts import Contact
from domain.errors import FieldError, InvalidInput, TransitionNotAllowed


class State(IntEnum):
    NEW = 1
    IN_PROGRESS = 2
    ON_HOLD = 3
    RESOLVED = 6
    CLOSED = 7
    CANCELED = 8

    @property
    def api_name(self) -> str:
        return _API_NAMES[self]

    @classmethod
    def from_api(cls, name: str) -> State:
        return cls[name.upper()]


# Worked out once: every ticket in every answer is named by its state, and Enum's `name` is a slow property.
_API_NAMES = {state: state.name.lower() for state in State}
ALLOWED_MOVES: dict[State, frozenset[State]] = {
    State.NEW: frozenset({State.IN_PROGRESS, State.ON_HOLD, State.RESOLVED, State.CANCELED}),
    State.IN_PROGRESS: frozenset({State.ON_HOLD, State.RESOLVED, State.CANCELED}),
    State.ON_HOLD: frozenset({State.IN_PROGRESS, State.RESOLVED, State.CANCELED}),
    State.RESOLVED: frozenset({State.IN_PROGRESS, State.CLOSED}),
    State.CLOSED: frozenset(),
    State.CANCELED: frozenset(),
}
FINAL_STATES = frozenset({State.CLOSED, State.CANCELED})
OPEN_STATES = (State.NEW, State.IN_PROGRESS, State.ON_HOLD)
# The same, as the vector index tags a ticket's state.
OPEN_STATE_NAMES = tuple(s.api_name for s in OPEN_STATES)
# The resolution clock does not run while the ticket waits on someone else or sits resolved.
PAUSED_STATES = frozenset({State.ON_HOLD, State.RESOLVED})


class OnHoldReason(str, Enum):
    AWAITING_CALLER = "awaiting_caller"
    AWAITING_CHANGE = "awaiting_change"
    AWAITING_PROBLEM = "awaiting_problem"
    AWAITING_VENDOR = "awaiting_vendor"


class CloseCode(str, Enum):
    SOLVED_PERMANENTLY = "solved_permanently"
    SOLVED_WORKAROUND = "solved_workaround"
    SOLVED_REMOTELY = "solved_remotely"
    NOT_SOLVED_NOT_REPRODUCIBLE = "not_solved_not_reproducible"
    NOT_SOLVED_TOO_COSTLY = "not_solved_too_costly"
    RESOLVED_BY_CALLER = "resolved_by_caller"


class Channel(str, Enum):
    PHONE = "phone"
    WEB = "web"
    API = "api"
    EMAIL = "email"
    SMS = "sms"


# ServiceNow's default lookup: rows are impact, columns urgency, 1 is the most.
PRIORITY_MATRIX: dict[tuple[int, int], int] = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}


def priority_for(impact: int, urgency: int) -> int:
    return PRIORITY_MATRIX[(impact, urgency)]


# INC and the sequence's number, zero-padded to seven digits: an eighth comes after INC9999999. Twelve at most (a
# trillion tickets), so that a number read from anywhere stays short. The API's schemas, its OpenAPI document,
# its look-ups, the web app's routes and the phone's number reader all read this one pattern.
NUMBER_PATTERN = r"INC[0-9]{7,12}"


def number_from_digits(digits: str) -> str | None:
    """The ticket number that digits stand for, as numbering writes it: INC0010012 from "10012" or "0010012";
    None for what is not one."""
    if not re.fullmatch(r"[0-9]{1,12}", digits):
        return None
    number = f"INC{int(digits):07d}"
    return number if re.fullmatch(NUMBER_PATTERN, number) else None


# A ticket not stored yet: the store gives it its number as it stores it.
UNNUMBERED = ""


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


# Fields an update may set directly; state and its companions go through move_to.
EDITABLE_FIELDS = (
    "short_description", "description", "category", "subcategory", "impact", "urgency",
    "assignment_group", "assigned_to", "parent",
)


@dataclass
class Ticket:
    number: str
    short_description: str
    opened_at: datetime
    opened_by: str
    channel: Channel = Channel.API
    description: str = ""
    state: State = State.NEW
    impact: int = 3
    urgency: int = 3
    caller_id: int | None = None
    category: str | None = None
    subcategory: str | None = None
    assignment_group: str | None = None
    assigned_to: str | None = None
    parent: str | None = None
    on_hold_reason: OnHoldReason | None = None
    close_code: CloseCode | None = None
    close_notes: str | None = None
    version: int = 1
    updated_at: datetime | None = None
    updated_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    responded_at: datetime | None = None
    paused_since: datetime | None = None
    paused_seconds: float = 0.0
    # Distinct callers who reported this problem, its own caller first: an outage raises it call by call.
    affected_callers: int = 1
    # The name this ticket's caller gave, when it is not their contact's (someone else on that phone).
    given_caller_name: str | None = None
    # Minutes its comments and work notes recorded as worked, kept as a total on the ticket.
    time_worked_minutes: int = 0
    id: int | None = None
    caller: Contact | None = field(default=None, compare=False)
    changes: list[FieldChange] = field(default_factory=list, repr=False)

    @property
    def priority(self) -> int:
        return priority_for(self.impact, self.urgency)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    def update(self, values: dict[str, Any], actor: str, now: datetime) -> list[FieldChange]:
        """Apply a partial update; returns the changes it made (none when every value is unchanged).

        A new assignment group clears the assignee unless the same update names one, and the state
        moves last so that resolving and editing in one request sees the edited ticket.
        """
        self._refuse_if_final()
        values = dict(values)
        before = len(self.changes)
        if "assignment_group" in values and values["assignment_group"] != self.assignment_group:
            values.setdefault("assigned_to", None)
        if "category" in values and values["category"] != self.category:
            values.setdefault("subcategory", None)
        priority = self.priority
        for name in EDITABLE_FIELDS:
            if name in values:
                self._set(name, values[name])
        if self.priority != priority:
            self.changes.append(FieldChange("priority", priority, self.priority))
        if values.get("parent") is not None and values["parent"] == self.number:
            raise InvalidInput("A ticket cannot be its own parent.", [FieldError("is this ticket", "/parent", code="loop")])
        if "state" in values:
            self.move_to(
                values["state"], actor, now,
                on_hold_reason=values.get("on_hold_reason"),
                close_code=values.get("close_code"),
                close_notes=values.get("close_notes"),
            )
        elif any(values.get(k) is not None for k in ("on_hold_reason", "close_code", "close_notes")):
            self._update_state_companions(values)
        made = self.changes[before:]
        if made:
            self.updated_at, self.updated_by = now, actor
        return made

    def move_to(
        self,
        target: State,
        actor: str,
        now: datetime,
        *,
        on_hold_reason: OnHoldReason | None = None,
        close_code: CloseCode | None = None,
        close_notes: str | None = None,
    ) -> None:
        if target == self.state:
            self._update_state_companions(
                {"on_hold_reason": on_hold_reason, "close_code": close_code, "close_notes": close_notes}
            )
            return
        if target not in ALLOWED_MOVES[self.state]:
            raise TransitionNotAllowed(
                f"A ticket cannot move from {self.state.api_name} to {target.api_name}.",
                [FieldError(f"not allowed from {self.state.api_name}", "/state", code="not_allowed")],
            )
        if target == State.ON_HOLD and on_hold_reason is None:
            raise InvalidInput(
                "Putting a ticket on hold needs a reason.",
                [FieldError("required when state is on_hold", "/on_hold_reason", code="required")],
            )
        if target == State.RESOLVED:
            missing = [
                FieldError("required when state is resolved", f"/{name}", code="required")
                for name, value in (("close_code", close_code), ("close_notes", close_notes))
                if value is None or (isinstance(value, str) and not value.strip())
            ]
            if missing:
                raise InvalidInput("Resolving a ticket needs a resolution code and notes.", missing)

        previous = self.state
        self._set("state", target)
        if previous == State.NEW and self.responded_at is None and target != State.CANCELED:
            self.responded_at = now
        if previous in PAUSED_STATES and self.paused_since is not None:
            self.paused_seconds += max(0.0, (now - self.paused_since).total_seconds())
            self.paused_since = None
        if target in PAUSED_STATES:
            self.paused_since = now
        self._set("on_hold_reason", on_hold_reason if target == State.ON_HOLD else None)
        if target == State.RESOLVED:
            self._set("close_code", close_code)
            self._set("close_notes", close_notes)
            self.resolved_at, self.resolved_by = now, actor
        if previous == State.RESOLVED and target == State.IN_PROGRESS:
            self.resolved_at = self.resolved_by = None
            self._set("close_code", None)
            self._set("close_notes", None)
        if target in FINAL_STATES:
            self.closed_at, self.closed_by = now, actor
        self.updated_at, self.updated_by = now, actor

    def hear_from_caller(self, actor: str, now: datetime) -> None:
        """A caller's comment wakes a ticket that waits on them, and reopens a resolved one."""
        waiting_on_caller = self.state == State.ON_HOLD and self.on_hold_reason == OnHoldReason.AWAITING_CALLER
        if waiting_on_caller or self.state == State.RESOLVED:
            self.move_to(State.IN_PROGRESS, actor, now)

    def note_response(self, now: datetime) -> None:
        """An agent's first public word to the caller counts as the response, as leaving New does."""
        if self.responded_at is None:
            self.responded_at = now

    def close_if_resolved_before(self, cutoff: datetime, actor: str, now: datetime) -> bool:
        if self.state == State.RESOLVED and self.resolved_at is not None and self.resolved_at <= cutoff:
            self.move_to(State.CLOSED, actor, now)
            return True
        return False

    def refuse_if_final(self) -> None:
        self._refuse_if_final()

    def _refuse_if_final(self) -> None:
        if self.is_final:
            raise TransitionNotAllowed(f"Ticket {self.number} is {self.state.api_name} and cannot change.")

    def _update_state_companions(self, values: dict[str, Any]) -> None:
        reason, code, notes = values.get("on_hold_reason"), values.get("close_code"), values.get("close_notes")
        if reason is not None:
            if self.state != State.ON_HOLD:
                raise InvalidInput(
                    "An on-hold reason applies only to a ticket on hold.",
                    [FieldError("only when state is on_hold", "/on_hold_reason", code="not_allowed")],
                )
            self._set("on_hold_reason", reason)
        if code is not None or notes is not None:
            if self.state != State.RESOLVED:
                field_name = "close_code" if code is not None else "close_notes"
                raise InvalidInput(
                    "Resolution fields apply only to a resolved ticket.",
                    [FieldError("only when state is resolved", f"/{field_name}", code="not_allowed")],
                )
            if code is not None:
                self._set("close_code", code)
            if notes is not None:
                if not notes.strip():
                    raise InvalidInput("Resolution notes cannot be blank.", [FieldError("blank", "/close_notes", code="blank")])
                self._set("close_notes", notes)

    def _set(self, name: str, value: Any) -> None:
        old = getattr(self, name)
        if old != value:
            setattr(self, name, value)
            self.changes.append(FieldChange(name, old, value))
