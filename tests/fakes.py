"""In-memory stand-ins for the unit of work and its stores, for unit tests of the services' rules without
PostgreSQL. They keep the contract the services rely on, not the SQL: numbering from INC0010001, a version that a
save checks and bumps (SavedMeanwhile when someone saved since), audit rows and notes in order, and a transaction
that only commit() keeps (a unit of work left without it puts everything back)."""
from __future__ import annotations

import copy
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Self

import numpy as np

from domain.calls import Call
from domain.classifier import NaiveBayes
from domain.contacts import Contact, phone_key
from domain.errors import Conflict, DependencyUnavailable, FieldError, SavedMeanwhile
from domain.ports import Document, Hit, LearnedModels
from domain.sla import DEFAULT_TARGETS, SlaTarget
from domain.tickets import OPEN_STATES, FieldChange, State, Ticket
from domain.triage import Calibration

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
    calls: dict[str, Call] = field(default_factory=dict)
    # The index outbox: ticket id -> the change it waits for (a counter standing for enqueued_at).
    outbox: dict[int, int] = field(default_factory=dict)
    changes: int = 0
    affected: set[tuple[int, int]] = field(default_factory=set)  # (ticket id, contact id)
    category_ids: dict[str, int] = field(default_factory=dict)
    sla_targets: dict[int, SlaTarget] = field(default_factory=dict)
    next_id: int = 1
    next_activity: int = 1

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


class FakeUnitOfWork:
    """A unit of work over a DeskState: `async with` it, then commit() or not."""

    def __init__(self, state: DeskState | None = None):
        self.state = state or DeskState()
        # What KeptForSeconds keys its answers by: a database of its own per fake desk.
        self.db = SimpleNamespace(info=SimpleNamespace(host="memory", port=id(self.state), dbname="fake"))
        self._before: DeskState | None = None
        # The stores read and write the desk's state, which a rollback restores in place.
        self.tickets, self.reference = FakeTickets(self.state), FakeReference(self.state)
        self.contacts, self.calls = FakeContacts(self.state), FakeCalls(self.state)
        self.idempotency, self.articles = FakeIdempotency(self.state), FakeArticles()

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
                   note: tuple[str, str] | None = None) -> dict[str, Any] | None:
        stored = self.state.tickets[ticket.number]
        if stored.version != ticket.version:
            raise SavedMeanwhile(f"Ticket {ticket.number} changed while this update ran.")
        ticket.version += 1
        saved = copy.deepcopy(ticket)
        saved.affected_callers = stored.affected_callers  # counted by its own statement, never by a save
        self.state.tickets[ticket.number] = saved
        assert ticket.id is not None
        self._audit(ticket.id, actor, at, audit)
        self._queue(ticket.id)
        return self._note(ticket.id, note[0], actor, at, note[1]) if note else None

    async def add_note(self, ticket_id: int, kind: str, actor: str, at: datetime, body: str) -> dict[str, Any]:
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

    def _note(self, ticket_id: int, kind: str, actor: str | None, at: datetime | None, body: str) -> dict[str, Any]:
        return self._row(ticket_id, kind=kind, actor=actor, body=body, field=None, old_value=None, new_value=None,
                         created_at=at)

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

    async def find(self, phone: str | None = None, email: str | None = None, limit: int = 50) -> list[Contact]:
        found = [c for _, c in sorted(self.state.contacts.items())
                 if (phone is None or phone_key(c.phone) == phone_key(phone))
                 and (email is None or (c.email or "").lower() == email.lower())]
        return copy.deepcopy(found[:limit])


class FakeCalls:
    def __init__(self, state: DeskState):
        self.state = state

    async def start(self, call: Call) -> Call:
        self.state.calls.setdefault(call.sid, copy.deepcopy(call))
        return copy.deepcopy(self.state.calls[call.sid])

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


class FakeArticles:
    """A desk with no knowledge articles."""

    async def queue_all_for_index(self) -> int:
        return 0


class FakeEmbedder:
    """Words hashed into buckets, L2-normalized: texts that share words point the same way, as a real model's
    vectors do for texts that share meaning."""

    model, dimensions = "fake-words", 256

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _words(text):
                vectors[row, zlib.crc32(word.encode()) % self.dimensions] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


class FakeVectorIndex:
    """Exact cosine search over documents kept in memory; `down` makes every call fail as Redis down does."""

    mode = "exact"

    def __init__(self, model: str = FakeEmbedder.model, dimensions: int = FakeEmbedder.dimensions):
        self.model, self.dimensions = model, dimensions
        self.documents: dict[tuple[str, str], Document] = {}
        self.down = False

    def check(self) -> None:
        if self.down:
            raise DependencyUnavailable("The vector index is not reachable right now.")

    def needs_filling(self) -> bool:
        return False

    def filled(self) -> None:
        return None

    def reindexed_through(self) -> int:
        return 0

    def mark_reindexed_through(self, ticket_id: int) -> None:
        return None

    def reset(self) -> None:
        self.documents.clear()

    def upsert(self, documents: Iterable[Document]) -> int:
        self.check()
        added = 0
        for document in documents:
            self.documents[(document.kind, document.key)] = document
            added += 1
        return added

    def vector_of(self, kind: str, key: str) -> np.ndarray | None:
        found = self.documents.get((kind, key))
        return found.vector if found else None

    def vectors_of(self, kind: str, keys: list[str]) -> dict[str, np.ndarray]:
        return {key: d.vector for key in keys if (d := self.documents.get((kind, key))) is not None}

    def delete(self, kind: str, key: str) -> None:
        self.documents.pop((kind, key), None)

    def count(self) -> int:
        return len(self.documents)

    def nearest(self, vector: np.ndarray, k: int, kind: str | None = None, states: Iterable[str] | None = None,
                exclude: str | None = None) -> list[Hit]:
        self.check()
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

    def save(self, fields: dict[str, NaiveBayes], tickets: int, trained_at: str,
             calibration: Calibration | None = None) -> None:
        self.stored = LearnedModels(fields, tickets, trained_at, calibration or Calibration())

    def about(self) -> dict[str, Any] | None:
        if self.stored is None:
            return None
        return {"tickets": self.stored.tickets, "trained_at": self.stored.trained_at,
                "calibration": self.stored.calibration.to_dict()}

    def load(self) -> LearnedModels | None:
        return self.stored

    def mark_changed(self) -> None:
        self.marked = True

    def changed(self) -> bool:
        return self.marked

    def take_changed(self) -> bool:
        marked, self.marked = self.marked, False
        return marked


class FakeTelephony:
    """Twilio as the services see it: what was sent, to whom; `configured=False` is a desk with no account."""

    def __init__(self, configured: bool = True):
        self.configured = configured
        self.sent: list[tuple[str, str]] = []

    def send_sms(self, to: str, body: str) -> str | None:
        if not self.configured:
            return None
        self.sent.append((to, body))
        return f"SM{len(self.sent):032d}"

    def download_recording(self, url: str) -> bytes:
        raise AssertionError("no recording in these tests")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))
