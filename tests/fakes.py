"""In-memory stand-ins for the unit of work and its stores, for unit tests of the services' rules without
PostgreSQL. They keep the contract the services rely on, not the SQL: numbering from INC0010001, a version that a
save checks and bumps (SavedMeanwhile when someone saved since), audit rows and notes in order, and a transaction
that only commit() keeps (a unit of work left without it puts everything back)."""
from __future__ import annotations

import copy
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, Self

import numpy as np

from domain.calls import Call
from domain.classifier import NaiveBayes
from domain.contacts import Contact, phone_key
from domain.erasure import Traces
from domain.errors import Conflict, DependencyUnavailable, FieldError, NotFound, SavedMeanwhile
from domain.notifications import RequesterEvent
from domain.ports import Document, Hit, LearnedModels
from domain.search_terms import phone_run
from domain.sla import DEFAULT_TARGETS, SlaTarget
from domain.store.dashboard import AT_RISK_SHARE
from domain.store.tickets import Note
from domain.tickets import OPEN_STATES, Channel, FieldChange, State, Ticket
from domain.triage import Calibration
from domain.work_notes import WorkNote

FIRST_NUMBER = 10001


@dataclass
class DeskState:
    """Everything a fake desk holds; one per test, shared by its units of work."""
    tickets: dict[str, Ticket] = field(default_factory=dict)
    activity: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)
    categories: dict[str, list[str]] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    kept_answers: dict[tuple[str, str], tuple[str, int | None, Any]] = field(default_factory=dict)
    api_keys: dict[str, dict[str, Any]] = field(default_factory=dict)  # by the key's hash
    articles: dict[int, dict[str, Any]] = field(default_factory=dict)
    article_outbox: dict[int, int] = field(default_factory=dict)
    now: datetime = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    calls: dict[str, Call] = field(default_factory=dict)
    # The index outbox: ticket id -> the change it waits for (a counter standing for enqueued_at).
    outbox: dict[int, int] = field(default_factory=dict)
    changes: int = 0
    affected: set[tuple[int, int]] = field(default_factory=set)  # (ticket id, contact id)
    category_ids: dict[str, int] = field(default_factory=dict)
    sla_targets: dict[int, SlaTarget] = field(default_factory=dict)
    next_id: int = 1
    next_activity: int = 1
    # What saves queued for tickets' requesters: (ticket id, event).
    told: list[tuple[int, RequesterEvent]] = field(default_factory=list)
    # The agent directory (user name -> display name) and each group's agents.
    agents: dict[str, str] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


class FakeUnitOfWork:
    """A unit of work over a DeskState: `async with` it, then commit() or not."""

    def __init__(self, state: DeskState | None = None):
        self.state = state or DeskState()
        # What KeptForSeconds keys its answers by: a database of its own per fake desk.
        self.db = SimpleNamespace(info=SimpleNamespace(host="memory", port=id(self.state), dbname="fake"))
        self.database = f"memory:{id(self.state)}"
        self._before: DeskState | None = None
        # The stores read and write the desk's state, which a rollback restores in place.
        self.tickets, self.reference = FakeTickets(self.state), FakeReference(self.state)
        self.contacts, self.calls = FakeContacts(self.state), FakeCalls(self.state)
        self.idempotency, self.articles = FakeIdempotency(self.state), FakeArticles(self.state)
        self.api_keys, self.dashboard = FakeApiKeys(self.state), FakeDashboard(self.state)
        self.callers_data = FakeCallersData(self.state)
        self.requesters = FakeRequesters(self.state)

    def beside(self) -> Self:
        return type(self)(self.state)

    def reading(self) -> _Autocommit:
        return _Autocommit(self)

    def saving_alone(self) -> _Autocommit:
        return _Autocommit(self)

    async def __aenter__(self) -> Self:
        self._before = copy.deepcopy(self.state)
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._before is not None:  # not committed: nothing of this transaction stays
            self.state.__dict__.update(self._before.__dict__)
        self._before = None

    async def commit(self) -> None:
        self._before = None


class _Autocommit:
    """Each statement its own transaction: what was written stays, whatever happens after."""

    def __init__(self, uow: FakeUnitOfWork):
        self.uow = uow

    async def __aenter__(self) -> FakeUnitOfWork:
        return self.uow

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


class FakeTickets:
    def __init__(self, state: DeskState):
        self.state = state

    async def add(self, ticket: Ticket, actor: str | None = None, at: datetime | None = None,
                  audit: list[FieldChange] | tuple[FieldChange, ...] = ()) -> Ticket:
        ticket.id = self.state.take_id()
        ticket.number = f"INC{FIRST_NUMBER + len(self.state.tickets):07d}"
        self.state.tickets[ticket.number] = copy.deepcopy(ticket)
        self.state.activity[ticket.id] = []
        self._audit(ticket.id, actor, at, audit)
        self._queue(ticket.id)
        return ticket

    async def get(self, number: str, *, for_update: bool = False) -> Ticket | None:
        stored = self.state.tickets.get(number)
        return copy.deepcopy(stored) if stored else None

    async def brief(self, numbers: list[str]) -> dict[str, Ticket]:
        return {n: copy.deepcopy(self.state.tickets[n]) for n in numbers if n in self.state.tickets}

    async def save(self, ticket: Ticket, actor: str | None = None, at: datetime | None = None,
                   audit: list[FieldChange] | tuple[FieldChange, ...] = (),
                   note: Note | None = None,
                   tell: list[RequesterEvent] | tuple[RequesterEvent, ...] = (),
                   worked: int = 0) -> dict[str, Any] | None:
        stored = self.state.tickets[ticket.number]
        if stored.version != ticket.version:
            raise SavedMeanwhile(f"Ticket {ticket.number} changed while this update ran.")
        ticket.version += 1
        worked = worked if note else 0
        ticket.time_worked_minutes += worked
        saved = copy.deepcopy(ticket)
        saved.affected_callers = stored.affected_callers  # counted by its own statement, never by a save
        self.state.tickets[ticket.number] = saved
        assert ticket.id is not None
        self._audit(ticket.id, actor, at, audit)
        self._queue(ticket.id)
        self.state.told.extend((ticket.id, event) for event in tell)
        return self._note(ticket.id, note[0], actor, at, note[1], worked or None) if note else None

    async def get_by_id(self, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
        found = next((t for t in self.state.tickets.values() if t.id == ticket_id), None)
        return copy.deepcopy(found) if found else None

    async def of_contact(self, contact_id: int, states: Any, limit: int = 10) -> list[Ticket]:
        mine = [t for t in self.state.tickets.values() if t.caller_id == contact_id and t.state in tuple(states)]
        return [copy.deepcopy(t) for t in sorted(mine, key=lambda t: -(t.id or 0))[:limit]]

    async def add_note(self, ticket_id: int, kind: str, actor: str, at: datetime,
                       body: str | WorkNote) -> dict[str, Any]:
        return self._note(ticket_id, kind, actor, at, body)

    async def activity(self, ticket_id: int) -> list[dict[str, Any]]:
        return [dict(row) for row in self.state.activity.get(ticket_id, [])]

    async def parent_chain(self, number: str) -> set[str]:
        chain: set[str] = set()
        while number in self.state.tickets and number not in chain:
            chain.add(number)
            number = self.state.tickets[number].parent or ""
        return chain

    async def lock_parent_changes(self) -> None:
        return None  # one test, one writer: nothing to queue behind

    async def resolved_before(self, cutoff: datetime, limit: int = 500) -> list[str]:
        resolved = sorted((t for t in self.state.tickets.values()
                           if t.state == State.RESOLVED and t.resolved_at and t.resolved_at <= cutoff),
                          key=lambda t: t.resolved_at or cutoff)
        return [t.number for t in resolved[:limit]]

    async def same_problem_candidates(self, text: str, language: str, since: datetime,
                                      limit: int = 20) -> list[tuple[str, int, float]]:
        """Open tickets since `since` sharing words with `text` (whole words, stop words and stems aside)."""
        wanted = set(_words(text))
        found = []
        for t in self.state.tickets.values():
            theirs = set(_words(f"{t.short_description} {t.description}"))
            shared = len(wanted & theirs)
            if t.state in OPEN_STATES and t.opened_at >= since and shared:
                found.append((t.number, shared, shared / max(min(len(wanted), len(theirs)), 1), t.id or 0))
        found.sort(key=lambda row: (-row[2], -row[1], row[3]))
        return [(number, shared, overlap) for number, shared, overlap, _ in found[:limit]]

    async def major_incidents(self, min_callers: int, limit: int = 5) -> list[Ticket]:
        shared = [t for t in self.state.tickets.values() if t.state in OPEN_STATES and t.affected_callers >= min_callers]
        return copy.deepcopy(sorted(shared, key=lambda t: -t.affected_callers)[:limit])

    async def open_for_caller(self, phone: str, limit: int = 3) -> list[Ticket]:
        theirs = [t for t in self.state.tickets.values() if t.state in OPEN_STATES and t.caller is not None
                  and phone_key(t.caller.phone) == phone_key(phone)]
        return copy.deepcopy(sorted(theirs, key=lambda t: -(t.id or 0))[:limit])

    async def last_comment(self, ticket_id: int) -> str | None:
        comments = [row["body"] for row in self.state.activity.get(ticket_id, []) if row["kind"] == "comment"]
        return comments[-1] if comments else None

    async def count_affected_caller(self, ticket_id: int) -> int:
        ticket = next(t for t in self.state.tickets.values() if t.id == ticket_id)
        ticket.affected_callers += 1
        return ticket.affected_callers

    async def labelled(self, limit: int, unconfirmed_by: str = "") -> list[Ticket]:
        def confirmed(t: Ticket) -> bool:
            return t.opened_by != unconfirmed_by or t.state in (State.RESOLVED, State.CLOSED) or any(
                row["kind"] == "audit" and row["field"] in ("category", "subcategory", "assignment_group")
                and row["actor"] != unconfirmed_by for row in self.state.activity.get(t.id or 0, []))

        found = [t for t in self.state.tickets.values() if (t.category or t.assignment_group) and confirmed(t)]
        return [copy.deepcopy(t) for t in sorted(found, key=lambda t: -(t.id or 0))[:limit]]

    async def count_labelled(self, up_to: int, unconfirmed_by: str = "") -> int:
        return len(await self.labelled(up_to, unconfirmed_by))

    async def text_search(self, text: str, limit: int) -> list[str]:
        """Tickets sharing words with `text`, those sharing most first (PostgreSQL ranks by its own measure)."""
        asked = set(_words(text))
        shared = {t.number: len(asked & set(_words(f"{t.short_description} {t.description}")))
                  for t in self.state.tickets.values()}
        ranked = sorted((n for n, count in shared.items() if count), key=lambda n: (-shared[n], n))
        return ranked[:limit]

    async def waiting_for_index_count(self) -> int:
        return len(self.state.outbox)

    async def waiting_for_index(self, limit: int) -> list[tuple[int, Any]]:
        return sorted(self.state.outbox.items(), key=lambda row: row[1])[:limit]

    async def indexed(self, done: list[tuple[int, Any]]) -> None:
        for ticket_id, change in done:
            if self.state.outbox.get(ticket_id) == change:  # unless it changed again meanwhile
                del self.state.outbox[ticket_id]

    async def index_failed(self, ticket_ids: list[int], error: str) -> None:
        return None

    async def for_index(self, ticket_ids: list[int]) -> list[Ticket]:
        return [copy.deepcopy(t) for t in self.state.tickets.values() if t.id in ticket_ids]

    async def queue_all_for_index(self) -> int:
        queued = [t.id for t in self.state.tickets.values() if t.id is not None and t.id not in self.state.outbox]
        for ticket_id in queued:
            self._queue(ticket_id)
        return len(queued)

    def _queue(self, ticket_id: int) -> None:
        self.state.changes += 1
        self.state.outbox[ticket_id] = self.state.changes

    def _audit(self, ticket_id: int, actor: str | None, at: datetime | None,
               audit: list[FieldChange] | tuple[FieldChange, ...]) -> None:
        for change in audit:
            self._row(ticket_id, kind="audit", actor=actor, body=None, field=change.field,
                      old_value=_text(change.old), new_value=_text(change.new), created_at=at)

    def _note(self, ticket_id: int, kind: str, actor: str | None, at: datetime | None,
              body: str | WorkNote, worked: int | None = None) -> dict[str, Any]:
        text, parts = (body.body, body.parts) if isinstance(body, WorkNote) else (body, None)
        return self._row(ticket_id, kind=kind, actor=actor, body=text, field=None, old_value=None, new_value=None,
                         created_at=at, note_parts=parts, time_worked_minutes=worked)

    def _row(self, ticket_id: int, **values: Any) -> dict[str, Any]:
        row = {"id": self.state.next_activity, "actor_name": None, **values}
        self.state.next_activity += 1
        self.state.activity.setdefault(ticket_id, []).append(row)
        return {k: v for k, v in row.items() if k != "actor_name"}


class FakeReference:
    def __init__(self, state: DeskState):
        self.state = state

    async def add_group(self, name: str) -> dict[str, Any]:
        if name in self.state.groups:
            raise Conflict(f"A group named {name!r} exists.", [FieldError("taken", "/name", code="taken")])
        self.state.groups.add(name)
        return next(g for g in await self.groups() if g["name"] == name)

    async def group_exists(self, name: str) -> bool:
        return name in self.state.groups

    async def groups(self) -> list[dict[str, Any]]:
        return [{"id": i, "name": name} for i, name in enumerate(sorted(self.state.groups), 1)]

    async def subcategories_of(self, category: str) -> list[str] | None:
        return self.state.categories.get(category)

    async def add_category(self, name: str, subcategories: list[str]) -> dict[str, Any]:
        if name in self.state.categories:
            raise Conflict(f"A category named {name!r} exists.", [FieldError("taken", "/name", code="taken")])
        self.state.categories[name] = list(subcategories)
        return self._category(name)

    async def set_subcategories(self, category_id: int, subcategories: list[str]) -> dict[str, Any] | None:
        name = next((n for n in self.state.categories if self._id(n) == category_id), None)
        if name is None:
            return None
        self.state.categories[name] = list(subcategories)
        return self._category(name)

    async def categories(self) -> list[dict[str, Any]]:
        return [self._category(name) for name in sorted(self.state.categories)]

    async def sla_targets(self, fresh: bool = False) -> dict[int, SlaTarget]:
        return {priority: self.state.sla_targets.get(priority) or SlaTarget(priority, *minutes)
                for priority, minutes in DEFAULT_TARGETS.items()}

    async def set_sla_target(self, target: SlaTarget) -> None:
        self.state.sla_targets[target.priority] = target

    async def saw_agent(self, user_name: str, display_name: str, email: str | None, at: Any) -> None:
        self.state.agents.setdefault(user_name, display_name)

    async def may_be_assigned(self, user_name: str, group: str | None) -> bool:
        if group is None:
            return user_name in self.state.agents
        return user_name in self.state.members.get(group, set())

    def _id(self, name: str) -> int:
        return self.state.category_ids.setdefault(name, self.state.take_id())

    def _category(self, name: str) -> dict[str, Any]:
        return {"id": self._id(name), "name": name, "subcategories": list(self.state.categories[name])}


class FakeContacts:
    def __init__(self, state: DeskState):
        self.state = state

    async def find_or_add(self, contact: Contact) -> Contact:
        key = phone_key(contact.phone)
        for known in self.state.contacts.values():
            if key and phone_key(known.phone) == key:
                return copy.deepcopy(known)
        added = Contact(self.state.take_id(), contact.name, contact.phone, contact.email, contact.language or "es")
        self.state.contacts[added.id or 0] = added
        return copy.deepcopy(added)

    async def get(self, contact_id: int) -> Contact | None:
        return copy.deepcopy(self.state.contacts.get(contact_id))

    async def find(self, phone: str | None = None, email: str | None = None, text: str | None = None,
                   limit: int = 50) -> list[Contact]:
        found = [c for _, c in sorted(self.state.contacts.items())
                 if (phone is None or phone_key(c.phone) == phone_key(phone))
                 and (email is None or (c.email or "").lower() == email.lower())
                 and (text is None or _named_or_dialled(c, text))]
        return copy.deepcopy(found[:limit])


class FakeCalls:
    def __init__(self, state: DeskState):
        self.state = state

    async def start(self, call: Call) -> Call:
        self.state.calls.setdefault(call.sid, copy.deepcopy(call))
        return copy.deepcopy(self.state.calls[call.sid])

    async def find(self, *, ticket_id: int | None, needs_review: bool | None, cursor: str | None,
                   limit: int) -> tuple[list[Call], str | None]:
        """Newest first; the cursor is the sid of the last call of the page before."""
        found = sorted((c for c in self.state.calls.values()
                        if (ticket_id is None or c.ticket_id == ticket_id)
                        and (needs_review is None or (c.review_reason is not None) == needs_review)),
                       key=lambda c: (c.started_at, c.sid), reverse=True)
        if cursor:
            found = found[[c.sid for c in found].index(cursor) + 1:]
        page = [copy.deepcopy(c) for c in found[:limit]]
        return page, page[-1].sid if len(found) > limit else None

    async def get(self, sid: str, *, for_update: bool = False) -> Call | None:
        stored = self.state.calls.get(sid)
        if stored is None:
            return None
        found = copy.deepcopy(stored)  # the store joins the ticket's number by its id
        found.ticket_number = next((t.number for t in self.state.tickets.values() if t.id == found.ticket_id), None)
        return found

    async def serialize_ticket_creation(self) -> None:
        return None  # one test, one caller at a time

    async def add_affected(self, ticket_id: int, contact_id: int, call_sid: str, at: datetime) -> bool:
        if (ticket_id, contact_id) in self.state.affected:
            return False
        self.state.affected.add((ticket_id, contact_id))
        return True

    async def to_tell_resolved(self, limit: int) -> list[dict[str, Any]]:
        by_id = {t.id: t for t in self.state.tickets.values()}
        due = sorted((c for c in self.state.calls.values() if c.ticket_id in by_id and c.resolved_sms_status is None
                      and by_id[c.ticket_id].affected_callers > 1
                      and by_id[c.ticket_id].state in (State.RESOLVED, State.CLOSED)), key=lambda c: c.started_at)
        return [{"sid": c.sid, "from_phone": c.from_phone, "locale": c.locale, "number": by_id[c.ticket_id].number,
                 "close_notes": by_id[c.ticket_id].close_notes} for c in due[:limit]]

    async def update(self, sid: str, at: datetime, **changes: Any) -> None:
        stored = self.state.calls[sid]
        for name, value in changes.items():
            if not hasattr(stored, name):
                raise ValueError(f"calls cannot change {name}")
            setattr(stored, name, value)


class FakeIdempotency:
    def __init__(self, state: DeskState):
        self.state = state

    async def claim(self, principal: str, key: str, request_hash: str) -> tuple[str, int | None, Any] | None:
        """The earlier request's hash and answer under this key; else None, the key now held for this request."""
        earlier = self.state.kept_answers.get((principal, key))
        if earlier is None:
            self.state.kept_answers[(principal, key)] = (request_hash, None, None)
        return earlier

    async def record(self, principal: str, key: str, status: int, body: Any) -> None:
        request_hash, _, _ = self.state.kept_answers[(principal, key)]
        self.state.kept_answers[(principal, key)] = (request_hash, status, body)


class FakeCallersData:
    """Erasure and retention over the desk's calls, contacts and tickets, by the store's rules."""

    def __init__(self, state: DeskState):
        self.state = state

    def _theirs(self, contact_id: int, phones: list[str]) -> list[Call]:
        return [c for c in self.state.calls.values() if c.contact_id == contact_id or c.from_phone in phones]

    async def attachments_of(self, contact_id: int) -> list[str]:
        return []

    async def names_of(self, contact_id: int) -> tuple[str, ...]:
        return ()

    async def calls_of(self, contact_id: int, phones: list[str]) -> list[dict[str, Any]]:
        return [{"sid": c.sid, "recording_blob": c.recording_blob, "ticket_id": c.ticket_id}
                for c in self._theirs(contact_id, phones)]

    async def erase(self, contact_id: int, phones: list[str], traces: Traces, actor: str, at: datetime,
                    placeholder: str) -> list[int]:
        touched = set()
        for call in self._theirs(contact_id, phones):
            self._forget(call, placeholder)
            call.from_phone, call.contact_id = "erased", contact_id
            if call.ticket_id is not None:
                touched.add(call.ticket_id)
        for ticket in self.state.tickets.values():
            if ticket.caller_id == contact_id or (ticket.id, contact_id) in self.state.affected:
                touched.add(ticket.id)
            if ticket.id in touched:
                if ticket.caller_id == contact_id and ticket.channel == Channel.PHONE and ticket.description:
                    ticket.description, ticket.version = placeholder, ticket.version + 1
                ticket.short_description = traces.scrub(ticket.short_description) or ticket.short_description
                for row in self.state.activity.get(ticket.id or 0, []):
                    row["body"] = traces.scrub(row.get("body"))
        contact = self.state.contacts[contact_id]
        contact.name = contact.phone = contact.email = None
        return sorted(i for i in touched if i is not None)

    async def retained_before(self, cutoff: datetime, limit: int) -> list[dict[str, Any]]:
        old = sorted((c for c in self.state.calls.values() if c.started_at < cutoff
                      and (c.recording_blob or c.transcript or c.speech_text)), key=lambda c: c.started_at)
        return [{"sid": c.sid, "recording_blob": c.recording_blob, "ticket_id": c.ticket_id} for c in old[:limit]]

    async def forget_call(self, sid: str, sms_placeholder: str) -> None:
        self._forget(self.state.calls[sid], sms_placeholder)

    @staticmethod
    def _forget(call: Call, placeholder: str) -> None:
        call.speech_text = call.transcript = call.recording_blob = call.recording_url = call.recording_sid = None
        call.sms_body = placeholder if call.sms_body is not None else None


class FakeDashboard:
    """The dashboard's counts over the desk's tickets, by the store's rules: an SLA clock starts at opened_at plus
    the time spent on hold (so far, for a ticket on hold now), and a day counts what falls in [start, next start)."""

    def __init__(self, state: DeskState):
        self.state = state

    async def open_tickets(self, resolution_seconds: dict[int, int], now: datetime) -> list[tuple[Any, ...]]:
        counts: dict[tuple[int, int, str | None], list[int]] = {}
        for t in self.state.tickets.values():
            if t.state not in OPEN_STATES:
                continue
            on_hold = (now - t.paused_since).total_seconds() if t.paused_since else 0.0
            ran = (now - t.opened_at).total_seconds() - t.paused_seconds - on_hold
            target = resolution_seconds.get(t.priority)
            row = counts.setdefault((t.priority, t.state.value, t.assignment_group), [0, 0, 0])
            row[0] += 1
            if target is not None and ran > target:
                row[1] += 1
            elif target is not None and ran > target * AT_RISK_SHARE:
                row[2] += 1
        return [(*key, *row) for key, row in counts.items()]

    async def per_day(self, day_starts: list[datetime],
                      now: datetime) -> tuple[list[tuple[int]], list[tuple[int, float]]]:
        days = list(zip(day_starts[:-1], day_starts[1:], strict=True))
        tickets = list(self.state.tickets.values())
        opened = [(sum(1 for t in tickets if start <= t.opened_at < end and t.opened_at <= now),) for start, end in days]
        resolved = []
        for start, end in days:
            done = [t for t in tickets if t.resolved_at is not None and start <= t.resolved_at < end
                    and t.resolved_at <= now]
            resolved.append((len(done), sum(max(0.0, (t.resolved_at - t.opened_at).total_seconds() - t.paused_seconds)
                                            for t in done if t.resolved_at is not None)))
        return opened, resolved


class FakeApiKeys:
    """API keys kept by their hash, as the store keeps them; `now` stands for the database's clock."""

    def __init__(self, state: DeskState):
        self.state = state

    async def add(self, name: str, prefix: str, key_hash: str, scopes: list[str], created_by: str) -> dict[str, Any]:
        row = {"id": self.state.take_id(), "name": name, "prefix": prefix, "scopes": scopes,
               "created_at": self.state.now, "created_by": created_by, "revoked_at": None, "last_used_at": None}
        self.state.api_keys[key_hash] = row
        return {**row}

    async def all(self) -> list[dict[str, Any]]:
        return sorted(({**row} for row in self.state.api_keys.values()), key=lambda row: row["id"])

    async def use(self, key_hash: str) -> dict[str, Any] | None:
        row = self.state.api_keys.get(key_hash)
        if row is None or row["revoked_at"] is not None:
            return None
        row["last_used_at"] = self.state.now
        return {"name": row["name"], "scopes": row["scopes"]}

    async def revoke(self, key_id: int, revoked_by: str) -> dict[str, Any] | None:
        row = next((r for r in self.state.api_keys.values() if r["id"] == key_id), None)
        if row is None:
            return None
        row["revoked_at"] = row["revoked_at"] or self.state.now
        return {**row}


class FakeArticles:
    """Articles with versions and an index outbox, as the store keeps them; words match whole and in any case,
    standing in for PostgreSQL's full text."""

    def __init__(self, state: DeskState):
        self.state = state

    async def add(self, fields: dict[str, Any], actor: str, at: datetime) -> dict[str, Any]:
        row = {"category": None, "state": "draft", "source_ticket": None, **fields, "id": self.state.take_id(),
               "version": 1, "created_at": at, "created_by": actor, "updated_at": None, "updated_by": None}
        self.state.articles[row["id"]] = row
        self._enqueue(row["id"])
        return {**row}

    async def get(self, article_id: int, *, for_update: bool = False) -> dict[str, Any] | None:
        row = self.state.articles.get(article_id)
        return {**row} if row else None

    async def update(self, article_id: int, version: int, changes: dict[str, Any], actor: str,
                     at: datetime) -> dict[str, Any]:
        row = self.state.articles[article_id]
        if row["version"] != version:
            raise SavedMeanwhile(f"Article {article_id} changed while this update ran.")
        row.update(changes, version=version + 1, updated_at=at, updated_by=actor)
        self._enqueue(article_id)
        return {**row}

    async def find(self, text: str | None, state: str | None, limit: int) -> list[dict[str, Any]]:
        asked = set(re.findall(r"\w+", (text or "").lower()))
        found = [row for row in sorted(self.state.articles.values(), key=lambda r: -r["id"])
                 if (state is None or row["state"] == state)
                 and (not asked or asked & set(re.findall(r"\w+", f"{row['title']} {row['body']}".lower())))]
        return [{**row} for row in found[:limit]]

    async def by_ids(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        return {i: {**self.state.articles[i]} for i in ids if i in self.state.articles}

    async def waiting_for_index(self, limit: int) -> list[tuple[int, Any]]:
        return sorted(self.state.article_outbox.items(), key=lambda row: row[1])[:limit]

    async def indexed(self, done: list[tuple[int, Any]]) -> None:
        for article_id, change in done:
            if self.state.article_outbox.get(article_id) == change:
                del self.state.article_outbox[article_id]

    async def queue_all_for_index(self) -> int:
        missing = [i for i in self.state.articles if i not in self.state.article_outbox]
        for article_id in missing:
            self._enqueue(article_id)
        return len(missing)

    async def ids_after(self, after_id: int, limit: int) -> list[int]:
        return sorted(i for i in self.state.articles if i > after_id)[:limit]

    def _enqueue(self, article_id: int) -> None:
        self.state.changes += 1
        self.state.article_outbox[article_id] = self.state.changes


class FakeEmbedder:
    """Words hashed into buckets, L2-normalized: texts that share words point the same way, as a real model's
    vectors do for texts that share meaning."""

    model, dimensions = "fake-words", 256

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def cached(self, texts: list[str]) -> np.ndarray | None:
        """As the Redis cache answers: the vectors when every text was embedded before, else None."""
        return self._vectors(texts) if all(t in self.texts for t in texts) else None

    async def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return self._vectors(texts)

    def _vectors(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _words(text):
                vectors[row, zlib.crc32(word.encode()) % self.dimensions] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


class FakeVectorIndex:
    """Exact cosine search over documents kept in memory; `down` makes every call fail as Redis down does."""

    def __init__(self, model: str = FakeEmbedder.model, dimensions: int = FakeEmbedder.dimensions):
        self.model, self.dimensions = model, dimensions
        self.documents: dict[tuple[str, str], Document] = {}
        self.down = False

    async def mode(self) -> str:
        await self.check()
        return "exact"

    async def check(self) -> None:
        if self.down:
            raise DependencyUnavailable("The vector index is not reachable right now.")

    async def needs_filling(self) -> bool:
        return False

    async def filled(self) -> None:
        return None

    async def reindexed_through(self) -> int:
        return 0

    async def mark_reindexed_through(self, ticket_id: int) -> None:
        return None

    async def reset(self) -> None:
        self.documents.clear()

    async def upsert(self, documents: Iterable[Document]) -> int:
        await self.check()
        added = 0
        for document in documents:
            self.documents[(document.kind, document.key)] = document
            added += 1
        return added

    async def vector_of(self, kind: str, key: str) -> np.ndarray | None:
        found = self.documents.get((kind, key))
        return found.vector if found else None

    async def vectors_of(self, kind: str, keys: list[str]) -> dict[str, np.ndarray]:
        return {key: d.vector for key in keys if (d := self.documents.get((kind, key))) is not None}

    async def delete(self, kind: str, key: str) -> None:
        self.documents.pop((kind, key), None)

    async def count(self) -> int:
        return len(self.documents)

    async def nearest(self, vector: np.ndarray, k: int, kind: str | None = None, states: Iterable[str] | None = None,
                      exclude: str | None = None) -> list[Hit]:
        await self.check()
        wanted = set(states) if states is not None else None
        hits = [Hit(d.kind, d.key, round(float(np.dot(d.vector, vector)), 6), d.tags) for d in self.documents.values()
                if (kind is None or d.kind == kind) and d.key != exclude
                and (wanted is None or d.tags.get("state") in wanted)]
        return sorted(hits, key=lambda h: -h.score)[:k]


class FakeTriageModels:
    """The trained models kept in memory, as the Redis store keeps them."""

    def __init__(self) -> None:
        self.stored: LearnedModels | None = None
        self.marked = False

    async def save(self, fields: dict[str, NaiveBayes], tickets: int, trained_at: str,
             calibration: Calibration | None = None) -> None:
        self.stored = LearnedModels(fields, tickets, trained_at, calibration or Calibration())

    async def about(self) -> dict[str, Any] | None:
        if self.stored is None:
            return None
        return {"tickets": self.stored.tickets, "trained_at": self.stored.trained_at,
                "calibration": self.stored.calibration.to_dict()}

    async def load(self) -> LearnedModels | None:
        return self.stored

    async def mark_changed(self) -> None:
        self.marked = True

    async def changed(self) -> bool:
        return self.marked

    async def take_changed(self) -> bool:
        marked, self.marked = self.marked, False
        return marked


class FakeBlobs:
    """Blob Storage in memory; `down` makes every call fail as an unreachable account does."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], bytes] = {}
        self.down = False

    def _reachable(self) -> None:
        if self.down:
            raise DependencyUnavailable("Blob Storage is not reachable right now.")

    async def put(self, container: str, name: str, data: bytes, content_type: str) -> None:
        self._reachable()
        self.stored[(container, name)] = data

    async def get(self, container: str, name: str) -> bytes:
        self._reachable()
        if (container, name) not in self.stored:
            raise NotFound(f"There is no blob {name}.")
        return self.stored[(container, name)]

    async def exists(self, container: str, name: str) -> bool:
        self._reachable()
        return (container, name) in self.stored

    async def delete(self, container: str, name: str) -> None:
        self._reachable()
        self.stored.pop((container, name), None)

    async def read_url(self, container: str, name: str, minutes: int, download_as: str | None = None) -> str:
        self._reachable()
        return f"https://blobs.example/{container}/{name}?se={minutes}m&sp=r"

    async def write_url(self, container: str, name: str, minutes: int) -> str:
        self._reachable()
        return f"https://blobs.example/{container}/{name}?se={minutes}m&sp=c"

    async def head(self, container: str, name: str, length: int):
        from domain.ports import BlobHead

        self._reachable()
        data = self.stored.get((container, name))
        return None if data is None else BlobHead(len(data), data[:length])


class FakeTelephony:
    """Twilio as the services see it: what was sent, to whom; `configured=False` is a desk with no account."""

    def __init__(self, configured: bool = True):
        self.configured = configured
        self.sent: list[tuple[str, str]] = []

    async def send_sms(self, to: str, body: str, status_callback: str | None = None) -> str | None:
        if not self.configured:
            return None
        self.sent.append((to, body))
        return f"SM{len(self.sent):032d}"

    async def download_recording(self, url: str) -> bytes:
        raise AssertionError("no recording in these tests")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


class FakeRequesters:
    """The requester's side as the ticket services read it: no message sent yet."""

    def __init__(self, state: DeskState):
        self.state = state

    async def of_ticket(self, ticket_id: int) -> list[dict[str, Any]]:
        return []


def _named_or_dialled(contact: Contact, text: str) -> bool:
    """What ContactStore.find keeps for `text`, in memory: names starting with its words, accents and case
    aside, or a phone holding its digits."""
    def plain(value: str) -> list[str]:
        return re.findall(r"\w+", "".join(ch for ch in unicodedata.normalize("NFKD", value.lower())
                                          if not unicodedata.combining(ch)))

    names = plain(contact.name or "")
    if all(any(name.startswith(word) for name in names) for word in plain(text)) and plain(text):
        return True
    digits = phone_run(text)
    return digits is not None and digits in re.sub(r"[^0-9]", "", contact.phone or "")
