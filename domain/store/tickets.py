"""Tickets and their activity in PostgreSQL; reference names are resolved to ids here."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum
from typing import Any, NamedTuple

from psycopg.types.json import Jsonb

from domain import cursors
from domain.contacts import Contact, phone_key
from domain.errors import FieldError, InvalidInput, SavedMeanwhile
from domain.notifications import RequesterEvent
from domain.search_terms import digits_query, joined_compounds, number_run, phone_run, prefix_query
from domain.store.kept import KeptForSeconds
from domain.store.statements import Statements
from domain.tickets import Channel, CloseCode, FieldChange, OnHoldReason, State, Ticket, number_from_digits
from domain.work_notes import WorkNote

_SELECT = """
SELECT t.id, t.number, t.state, t.on_hold_reason, t.impact, t.urgency, t.short_description, t.description,
       t.caller_id, c.name AS caller_name, c.phone AS caller_phone, c.email AS caller_email,
       c.language AS caller_language, cat.name AS category, t.subcategory, t.channel,
       g.name AS assignment_group, t.assigned_to, p.number AS parent, t.close_code, t.close_notes, t.version,
       t.opened_at, t.opened_by, t.updated_at, t.updated_by, t.resolved_at, t.resolved_by, t.closed_at,
       t.closed_by, t.responded_at, t.paused_since, t.paused_seconds, t.affected_callers, t.given_caller_name,
       t.time_worked_minutes
FROM tickets t
LEFT JOIN contacts c ON c.id = t.caller_id
LEFT JOIN categories cat ON cat.id = t.category_id
LEFT JOIN assignment_groups g ON g.id = t.assignment_group_id
LEFT JOIN tickets p ON p.id = t.parent_id
"""

# Every stored column and the expression that writes it; names of reference data become their ids here.
_WRITTEN: tuple[tuple[str, str], ...] = (
    ("state", "%(state)s"), ("on_hold_reason", "%(on_hold_reason)s"), ("impact", "%(impact)s"),
    ("urgency", "%(urgency)s"), ("priority", "%(priority)s"), ("short_description", "%(short_description)s"),
    ("description", "%(description)s"), ("caller_id", "%(caller_id)s"),
    ("given_caller_name", "%(given_caller_name)s"),
    ("category_id", "(SELECT id FROM categories WHERE name = %(category)s)"), ("subcategory", "%(subcategory)s"),
    ("assignment_group_id", "(SELECT id FROM assignment_groups WHERE name = %(assignment_group)s)"),
    ("assigned_to", "%(assigned_to)s"), ("parent_id", "(SELECT id FROM tickets WHERE number = %(parent)s)"),
    ("close_code", "%(close_code)s"), ("close_notes", "%(close_notes)s"), ("updated_at", "%(updated_at)s"),
    ("updated_by", "%(updated_by)s"), ("resolved_at", "%(resolved_at)s"), ("resolved_by", "%(resolved_by)s"),
    ("closed_at", "%(closed_at)s"), ("closed_by", "%(closed_by)s"), ("responded_at", "%(responded_at)s"),
    ("paused_since", "%(paused_since)s"), ("paused_seconds", "%(paused_seconds)s"),
)
# A new ticket's number is INC and the next value of the sequence, at least seven digits, drawn by the INSERT
# itself rather than by a round trip of its own.
# How many of the open tickets sharing words with a text, best ranked first, have their shared words counted.
CONSIDERED = 50
NEXT_NUMBER = "(SELECT 'INC' || lpad(n::text, greatest(7, length(n::text)), '0') FROM nextval('ticket_number_seq') n)"
_CREATED = (("number", NEXT_NUMBER), ("channel", "%(channel)s"), ("opened_at", "%(opened_at)s"),
            ("opened_by", "%(opened_by)s"))
# An activity row as the API shows it (ActivityOut, but for the actor's display name).
_NOTED = ("id", "kind", "actor", "body", "field", "old_value", "new_value", "created_at", "note_parts",
          "time_worked_minutes")
# Every write of a ticket queues it for the vector index and adds its activity in the same statement (and so
# the same transaction): the index catches up after the commit whatever happens to Redis, and neither costs a
# round trip of its own. Activity comes as one JSON array of entries, in order (the audit rows, then a comment or
# work note when the write adds one); none is an empty array.
_QUEUE_AND_AUDIT = (
    "queued AS (INSERT INTO index_outbox (ticket_id) SELECT id FROM written"
    " ON CONFLICT (ticket_id) DO UPDATE SET enqueued_at = clock_timestamp(), attempts = 0, last_error = NULL),"
    " audited AS (INSERT INTO ticket_activity (ticket_id, kind, actor, field, old_value, new_value, body, created_at,"
    " note_parts, time_worked_minutes) SELECT written.id, entry.kind, %(audit_actor)s, entry.field, entry.old_value,"
    " entry.new_value, entry.body, %(audit_at)s, entry.note_parts, entry.worked FROM written,"
    " ROWS FROM (jsonb_to_recordset(%(audit)s::jsonb)"
    " AS (kind text, field text, old_value text, new_value text, body text, note_parts jsonb, worked integer))"
    " WITH ORDINALITY AS entry (kind, field, old_value, new_value, body, note_parts, worked, n) ORDER BY entry.n"
    " RETURNING " + ", ".join(_NOTED) + ")"
)
_INSERT = "WITH written AS (INSERT INTO tickets ({}) VALUES ({}) RETURNING id, number), {} SELECT id, number FROM written".format(
    ", ".join(c for c, _ in _CREATED + _WRITTEN), ", ".join(e for _, e in _CREATED + _WRITTEN), _QUEUE_AND_AUDIT
)
# What the change tells the ticket's requester (domain.notifications), into their outbox in the same statement:
# nothing is told before the change commits, and nothing is lost if Twilio or SMTP is down. Mostly an empty array.
_TELL_REQUESTER = (
    " told AS (INSERT INTO requester_events (ticket_id, event, body) SELECT written.id, e.event, e.body FROM written,"
    " jsonb_to_recordset(%(tell)s::jsonb) AS e (event text, body text))"
)
# The version, and the note the write added as stored (all None without one). The time its note records as
# worked adds to the ticket's total here, in the same row write (mostly 0).
_UPDATE = ("WITH written AS (UPDATE tickets SET {}, version = version + 1,"
           " time_worked_minutes = time_worked_minutes + %(worked)s WHERE id = %(id)s AND version = %(version)s"
           " RETURNING id, version), {}, {} SELECT written.version, {} FROM written"
           " LEFT JOIN audited noted ON noted.kind <> 'audit'").format(
    ", ".join(f"{c} = {e}" for c, e in _WRITTEN), _QUEUE_AND_AUDIT, _TELL_REQUESTER,
    ", ".join(f"noted.{c}" for c in _NOTED)
)
_NOTHING_TO_TELL = Jsonb([])


# A ticket triage may learn from: labelled, and not labelled only by the machine (the phone pipeline's own fills)
# unless a person confirmed it, by changing a label or by resolving the ticket.
_LABELLED = (
    "(t.category_id IS NOT NULL OR t.assignment_group_id IS NOT NULL) AND (t.opened_by <> %(machine)s"
    " OR t.state IN (6, 7) OR EXISTS (SELECT 1 FROM ticket_activity a WHERE a.ticket_id = t.id AND a.kind = 'audit'"
    " AND a.field IN ('category', 'subcategory', 'assignment_group') AND a.actor <> %(machine)s))"
)


# A note is its kind and either what a person wrote or a note of the desk's own.
Note = tuple[str, str | WorkNote]


def _audit_params(actor: str | None, at: datetime | None, changes: Sequence[FieldChange],
                  note: Note | None = None, worked: int = 0) -> dict[str, Any]:
    # The entries travel as one JSON array rather than five text arrays: psycopg dumps a list element by element
    # in Python, and five of them were about 40 µs of every write's client CPU.
    entries: list[dict[str, Any]] = [
        {"kind": "audit", "field": c.field, "old_value": audit_text(c.old), "new_value": audit_text(c.new)}
        for c in changes]
    if note is not None:
        kind, body = note
        entry: dict[str, Any] = ({"kind": kind, "body": body.body, "note_parts": body.parts}
                                 if isinstance(body, WorkNote) else {"kind": kind, "body": body})
        if worked:
            entry["worked"] = worked
        entries.append(entry)
    return {"audit_actor": actor, "audit_at": at, "audit": Jsonb(entries)}


# The words a search asks for, in each configuration the search column holds (migration 013): English stems of
# the unaccented words, Spanish's own stems, and Spanish stems of the unaccented words.
_WORDS_ASKED = ("websearch_to_tsquery('atiende_english', %s) || websearch_to_tsquery('spanish', %s)"
                " || websearch_to_tsquery('atiende_spanish', %s)")

# What each sortable column sorts by; nullable ones are folded so that keyset paging stays total. Each has an
# index on (expression, id) in migration 008; names on other rows are kept on the ticket by triggers there.
SORT_COLUMNS: dict[str, str] = {
    "number": "t.id",
    "opened_at": "t.opened_at",
    "updated_at": "coalesce(t.updated_at, t.opened_at)",
    "priority": "t.priority",
    "state": "t.state",
    "impact": "t.impact",
    "urgency": "t.urgency",
    "short_description": "lower(t.short_description)",
    "category": "t.category_sort",
    "assignment_group": "t.group_sort",
    "assigned_to": "coalesce(t.assigned_to, '')",
    "caller": "t.caller_sort",
}
_TIME_SORTS = {"opened_at", "updated_at"}
_INT_SORTS = {"number", "priority", "state", "impact", "urgency"}


@dataclass(frozen=True)
class TicketFilter:
    states: tuple[State, ...] = ()
    priority: int | None = None
    assignment_group: str | None = None
    assigned_to: str | None = None
    unassigned: bool = False
    ungrouped: bool = False
    caller_phone: str | None = None  # any spelling of the caller's number; matched by its key
    category: str | None = None
    parent: str | None = None
    text: str | None = None
    channel: Channel | None = None
    member: str | None = None  # only the groups this agent belongs to


class Matching(NamedTuple):
    """How many tickets a filter keeps and whether that is an estimate; for a search keeping few, their ids as
    PostgreSQL writes a bigint[] ('{3,17,42}')."""
    total: int
    estimated: bool
    ids: str | None = None


# Estimated totals by (exact limit, filter).
ESTIMATES = KeptForSeconds(10)


def audit_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, State):
        return value.api_name
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


# Rows become tickets on every read, 25 at a time for a list page: the enums are found in dicts, and the
# ticket's own columns named once, rather than each row asking Enum and filtering its keys (a third of the cost).
_ENUMS: dict[str, dict[Any, Enum]] = {
    column: {member.value: member for member in kind}
    for column, kind in (("state", State), ("channel", Channel), ("on_hold_reason", OnHoldReason),
                         ("close_code", CloseCode))
}
_OWN_COLUMNS = tuple(f.name for f in fields(Ticket) if f.name not in ("caller", "changes", *_ENUMS))


def _ticket(row: dict[str, Any]) -> Ticket:
    caller = None
    if row["caller_id"] is not None:
        caller = Contact(
            id=row["caller_id"], name=row["caller_name"], phone=row["caller_phone"],
            email=row["caller_email"], language=row["caller_language"],
        )
    values = {column: row[column] for column in _OWN_COLUMNS}
    for column, members in _ENUMS.items():
        values[column] = members[row[column]] if row[column] is not None else None
    return Ticket(**values, caller=caller)


def _params(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number, "state": int(ticket.state), "on_hold_reason": audit_text(ticket.on_hold_reason),
        "impact": ticket.impact, "urgency": ticket.urgency, "priority": ticket.priority,
        "short_description": ticket.short_description, "description": ticket.description,
        "caller_id": ticket.caller_id, "given_caller_name": ticket.given_caller_name, "category": ticket.category,
        "subcategory": ticket.subcategory,
        "channel": ticket.channel.value, "assignment_group": ticket.assignment_group,
        "assigned_to": ticket.assigned_to, "parent": ticket.parent, "close_code": audit_text(ticket.close_code),
        "close_notes": ticket.close_notes, "opened_at": ticket.opened_at, "opened_by": ticket.opened_by,
        "updated_at": ticket.updated_at, "updated_by": ticket.updated_by, "resolved_at": ticket.resolved_at,
        "resolved_by": ticket.resolved_by, "closed_at": ticket.closed_at, "closed_by": ticket.closed_by,
        "responded_at": ticket.responded_at, "paused_since": ticket.paused_since,
        "paused_seconds": ticket.paused_seconds, "version": ticket.version, "id": ticket.id,
    }


# How many of the latest activity rows the desk's change tag counts: a transaction that took a lower id and
# commits after a higher one was seen still changes the tag (the count in the window grows), up to this many ids
# later.
CHANGE_WINDOW = 200


class DeskChanges(NamedTuple):
    tag: str
    latest: int


class TicketStore:
    def __init__(self, db: Statements):
        self.db = db
        self._typed_texts: dict[str, _Typed] = {}

    async def add(self, ticket: Ticket, actor: str | None = None, at: datetime | None = None,
                  audit: Sequence[FieldChange] = ()) -> Ticket:
        """Number and store a new ticket with the audit rows of its creation (by `actor` at `at`)."""
        ticket.id, ticket.number = await self.db.one(
            _INSERT, {**_params(ticket), **_audit_params(actor, at, audit)})
        return ticket

    async def get(self, number: str, *, for_update: bool = False) -> Ticket | None:
        query = _SELECT + " WHERE t.number = %s" + (" FOR UPDATE OF t" if for_update else "")
        row = await self.db.one(query, (number,), dicts=True)
        return _ticket(row) if row else None

    async def get_by_id(self, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
        query = _SELECT + " WHERE t.id = %s" + (" FOR UPDATE OF t" if for_update else "")
        row = await self.db.one(query, (ticket_id,), dicts=True)
        return _ticket(row) if row else None

    async def parent_chain(self, number: str) -> set[str]:
        """`number` and all its parents, however long the chain; empty when there is no ticket `number`. UNION
        (not UNION ALL) stops at a ticket already seen, so even a loop made before this check existed ends."""
        rows = await self.db.all(
            """
            WITH RECURSIVE chain(id, number, parent_id) AS (
                SELECT id, number, parent_id FROM tickets WHERE number = %s
                UNION
                SELECT t.id, t.number, t.parent_id FROM tickets t JOIN chain ON t.id = chain.parent_id
            )
            SELECT number FROM chain
            """,
            (number,),
        )
        return {row[0] for row in rows}

    async def lock_parent_changes(self) -> None:
        """Until this transaction ends, no other may change a parent: two updates that each look loop-free
        alone (A under B, B under A) cannot both pass."""
        await self.db.run("SELECT pg_advisory_xact_lock(7402119)")

    async def save(self, ticket: Ticket, actor: str | None = None, at: datetime | None = None,
                   audit: Sequence[FieldChange] = (), note: Note | None = None,
                   tell: Sequence[RequesterEvent] = (), worked: int = 0) -> dict[str, Any] | None:
        """Write the ticket, bump its version and add the audit rows of `audit` (by `actor` at `at`), then the
        comment or work note `note` (kind, body), which it returns as stored, with the minutes it records as
        `worked` (added to the ticket's total), and queue what the requester is to be `tell`-ed; SavedMeanwhile if
        someone else saved the ticket since it was read."""
        told = Jsonb([{"event": e.event, "body": e.body} for e in tell]) if tell else _NOTHING_TO_TELL
        worked = worked if note is not None else 0
        row = await self.db.one(_UPDATE, {**_params(ticket), **_audit_params(actor, at, audit, note, worked),
                                          "tell": told, "worked": worked})
        if row is None:
            raise SavedMeanwhile(f"Ticket {ticket.number} changed while this update ran.")
        ticket.version = row[0]
        ticket.time_worked_minutes += worked
        return dict(zip(_NOTED, row[1:], strict=False)) if note is not None else None

    async def queue_all_for_index(self) -> int:
        """Queue every ticket for the vector index (it was found empty); returns how many were not queued yet."""
        return await self.db.run("INSERT INTO index_outbox (ticket_id) SELECT id FROM tickets"
                                 " ON CONFLICT (ticket_id) DO NOTHING")

    async def waiting_for_index(self, limit: int) -> list[tuple[int, Any]]:
        """Tickets to (re)index, oldest first, each with when it was enqueued; skips rows another worker holds."""
        return await self.db.all(
            "SELECT ticket_id, enqueued_at FROM index_outbox ORDER BY enqueued_at LIMIT %s FOR UPDATE SKIP LOCKED",
            (limit,),
        )

    async def indexed(self, done: list[tuple[int, Any]]) -> None:
        """Drop the outbox rows that were indexed, unless the ticket changed again meanwhile."""
        await self.db.run_many("DELETE FROM index_outbox WHERE ticket_id = %s AND enqueued_at = %s", done)

    async def index_failed(self, ticket_ids: list[int], error: str) -> None:
        await self.db.run("UPDATE index_outbox SET attempts = attempts + 1, last_error = %s WHERE ticket_id = ANY(%s)",
                          (error[:500], ticket_ids))

    async def for_index(self, ticket_ids: list[int]) -> list[Ticket]:
        rows = await self.db.all(_SELECT + " WHERE t.id = ANY(%s)", (ticket_ids,), dicts=True)
        return [_ticket(row) for row in rows]

    async def labelled(self, limit: int, unconfirmed_by: str = "") -> list[Ticket]:
        """The most recent tickets with a category or a group: what triage learns from. A ticket `unconfirmed_by`
        opened and labelled itself counts only once a person has changed a label or it was resolved: triage must
        not learn its own guesses."""
        rows = await self.db.all(
            _SELECT + " WHERE " + _LABELLED + " ORDER BY t.id DESC LIMIT %(limit)s",
            {"limit": limit, "machine": unconfirmed_by}, dicts=True)
        return [_ticket(row) for row in rows]

    async def count_affected_caller(self, ticket_id: int) -> int:
        """One more distinct caller affected by the ticket; how many there are now."""
        row = await self.db.one("UPDATE tickets SET affected_callers = affected_callers + 1 WHERE id = %s"
                                " RETURNING affected_callers", (ticket_id,))
        affected: int = row[0]
        return affected

    async def major_incidents(self, min_callers: int, limit: int = 5) -> list[Ticket]:
        """Open tickets that at least `min_callers` distinct callers reported, the most reported first. The
        constant `> 1` lets PostgreSQL use the partial index of shared tickets whatever `min_callers` is."""
        rows = await self.db.all(
            _SELECT + " WHERE t.affected_callers >= %s AND t.affected_callers > 1 AND t.state IN (1, 2, 3)"
            " ORDER BY t.affected_callers DESC, t.id DESC LIMIT %s", (min_callers, limit), dicts=True)
        return [_ticket(row) for row in rows]

    async def count_labelled(self, up_to: int, unconfirmed_by: str = "") -> int:
        """How many tickets triage could learn from, counting no further than `up_to` (it learns from no more)."""
        row = await self.db.one(
            "SELECT count(*) FROM (SELECT 1 FROM tickets t WHERE " + _LABELLED + " LIMIT %(limit)s) labelled",
            {"limit": up_to, "machine": unconfirmed_by})
        labelled: int = row[0]
        return labelled

    async def ids_after(self, after_id: int, limit: int) -> list[int]:
        return [row[0] for row in await self.db.all(
            "SELECT id FROM tickets WHERE id > %s ORDER BY id LIMIT %s", (after_id, limit))]

    async def count(self, through_id: int | None = None) -> int:
        """How many tickets there are; with `through_id`, how many have that id or a lower one."""
        if through_id is None:
            total: int = (await self.db.one("SELECT count(*) FROM tickets"))[0]
        else:
            total = (await self.db.one("SELECT count(*) FROM tickets WHERE id <= %s", (through_id,)))[0]
        return total

    async def waiting_for_index_count(self) -> int:
        """How many tickets the outbox still holds for the vector index."""
        waiting: int = (await self.db.one("SELECT count(*) FROM index_outbox"))[0]
        return waiting

    async def brief(self, numbers: list[str]) -> dict[str, Ticket]:
        rows = await self.db.all(_SELECT + " WHERE t.number = ANY(%s)", (numbers,), dicts=True)
        return {row["number"]: _ticket(row) for row in rows}

    async def add_note(self, ticket_id: int, kind: str, actor: str, at: datetime,
                       body: str | WorkNote) -> dict[str, Any]:
        """A comment or a work note; returns it as stored."""
        text, parts = (body.body, Jsonb(body.parts)) if isinstance(body, WorkNote) else (body, None)
        note: dict[str, Any] = await self.db.one(
            "INSERT INTO ticket_activity (ticket_id, kind, actor, body, created_at, note_parts)"
            " VALUES (%s, %s, %s, %s, %s, %s) RETURNING " + ", ".join(_NOTED),
            (ticket_id, kind, actor, text, at, parts), dicts=True,
        )
        return note

    async def activity(self, ticket_id: int) -> list[dict[str, Any]]:
        """The ticket's activity, oldest first, each entry with the files uploaded to it: those of the whole
        ticket gathered once, by the ticket's index, rather than looked up entry by entry."""
        return await self.db.all(
            "SELECT a.id, a.kind, a.actor, who.display_name AS actor_name, a.body, a.field, a.old_value, a.new_value,"
            " a.created_at, a.note_parts, a.time_worked_minutes, coalesce(files.list, '[]') AS attachments"
            " FROM ticket_activity a"
            " LEFT JOIN agents who ON who.user_name = a.actor"
            " LEFT JOIN (SELECT activity_id, jsonb_agg(jsonb_build_object('id', id, 'filename', filename,"
            " 'content_type', content_type, 'size_bytes', size_bytes) ORDER BY id) AS list FROM attachments"
            " WHERE ticket_id = %(ticket)s AND activity_id IS NOT NULL GROUP BY activity_id) files"
            " ON files.activity_id = a.id"
            " WHERE a.ticket_id = %(ticket)s ORDER BY a.id",
            {"ticket": ticket_id}, dicts=True,
        )

    async def activity_entry(self, ticket_id: int, activity_id: int) -> dict[str, Any] | None:
        found: dict[str, Any] | None = await self.db.one(
            "SELECT id, kind, actor FROM ticket_activity WHERE id = %s AND ticket_id = %s", (activity_id, ticket_id),
            dicts=True)
        return found

    async def resolved_before(self, cutoff: datetime, limit: int = 500) -> list[str]:
        rows = await self.db.all(
            "SELECT number FROM tickets WHERE state = 6 AND resolved_at <= %s ORDER BY resolved_at LIMIT %s",
            (cutoff, limit),
        )
        return [row[0] for row in rows]

    async def same_problem_candidates(self, text: str, language: str, since: datetime,
                                      limit: int = 20) -> list[tuple[str, int, float]]:
        """Open tickets opened since `since` that share words with `text` (both stemmed in its language, stop
        words dropped): each with how many words they share and what share of the shorter text that is; best first."""
        # The configurations the search column holds (migration 013): Spanish's own stems, and English's of the
        # unaccented words. Both texts are stemmed alike, so their shared words are counted as before.
        config = "spanish" if language == "es" else "atiende_english"
        rows = await self.db.all(
            """
            WITH words AS (SELECT tsvector_to_array(to_tsvector(%(config)s::regconfig, %(text)s)) AS lexemes),
            wanted AS (
                SELECT lexemes, cardinality(lexemes) AS n,
                       to_tsquery('simple', array_to_string(ARRAY(SELECT quote_literal(l) FROM unnest(lexemes) l), ' | ')) AS q
                FROM words WHERE cardinality(lexemes) > 0
            ),
            -- The best matches by the index's own ranking first: stemming every open ticket that shares a word
            -- (a burst of alike reports shares most of them) cost a create 35 ms of the server at 1,800 of them.
            matched AS (
                SELECT t.id, t.number, t.short_description, t.description
                FROM tickets t, wanted w
                WHERE t.state IN (1, 2, 3) AND t.opened_at >= %(since)s AND t.search @@ w.q
                ORDER BY ts_rank(t.search, w.q) DESC, t.id LIMIT %(considered)s
            ),
            candidates AS (
                SELECT m.id, m.number, w.lexemes AS wanted, w.n,
                       tsvector_to_array(to_tsvector(%(config)s::regconfig, m.short_description || ' ' || m.description)) AS theirs
                FROM matched m, wanted w
            ),
            scored AS (
                SELECT id, number, cardinality(ARRAY(SELECT unnest(theirs) INTERSECT SELECT unnest(wanted))) AS shared,
                       least(n, cardinality(theirs)) AS shorter
                FROM candidates
            )
            SELECT number, shared, shared::float / greatest(shorter, 1) AS overlap
            FROM scored ORDER BY overlap DESC, shared DESC, id LIMIT %(limit)s
            """,
            {"config": config, "text": text, "since": since, "limit": limit, "considered": CONSIDERED},
        )
        return [(number, shared, overlap) for number, shared, overlap in rows]

    async def text_search(self, text: str, limit: int) -> list[str]:
        """Ticket numbers that share words with `text` in Spanish or English, accents aside, most relevant first:
        the number it stands for first of all, then numbers holding its digits ("0019"), those ending in them
        before the rest. Any word counts, as for ranking beside the vectors a partial match is still evidence."""
        digits = number_run(text)
        holding = " OR t.number_digits @@ to_tsquery('simple', %(digits)s)" if digits else ""
        rows = await self.db.all(
            """
            WITH words AS (SELECT tsvector_to_array(search_words(%(q)s)) AS lexemes),
            asked AS (
                SELECT to_tsquery('simple', coalesce(nullif(array_to_string(
                                 ARRAY(SELECT DISTINCT quote_literal(l) FROM unnest(lexemes) l), ' | '), ''), 'NOTHING_TO_FIND')) AS q
                FROM words
            )
            SELECT number FROM tickets t, asked
            WHERE t.search @@ asked.q OR t.number = %(number)s""" + holding + """
            ORDER BY t.number = %(number)s DESC, t.number LIKE %(ending)s DESC, ts_rank_cd(t.search, asked.q) DESC,
                     t.id DESC
            LIMIT %(limit)s
            """,
            {"q": joined_compounds(text.strip()), "number": _number_like(text), "limit": limit,
             "digits": digits_query(digits) if digits else None, "ending": f"%{digits}" if digits else ""},
        )
        return [row[0] for row in rows]

    async def open_for_caller(self, phone: str, limit: int = 3) -> list[Ticket]:
        """The caller's tickets that are not yet resolved, newest first; `phone` in any spelling of their number."""
        rows = await self.db.all(
            _SELECT + " WHERE c.phone_key = %s AND t.state IN (1, 2, 3) ORDER BY t.id DESC LIMIT %s", (phone_key(phone), limit),
            dicts=True,
        )
        return [_ticket(row) for row in rows]

    async def of_contact(self, contact_id: int, states: Sequence[State], limit: int = 10) -> list[Ticket]:
        """The contact's tickets in `states`, newest first."""
        rows = await self.db.all(_SELECT + " WHERE t.caller_id = %s AND t.state = ANY(%s) ORDER BY t.id DESC LIMIT %s",
                                 (contact_id, [int(s) for s in states], limit), dicts=True)
        return [_ticket(row) for row in rows]

    async def last_comment(self, ticket_id: int) -> str | None:
        row = await self.db.one(
            "SELECT body FROM ticket_activity WHERE ticket_id = %s AND kind = 'comment' ORDER BY id DESC LIMIT 1",
            (ticket_id,),
        )
        return row[0] if row else None

    async def desk_changes(self) -> DeskChanges:
        """The desk's change tag: every write of a ticket adds an activity row, so the latest row's id, and how
        many rows the window below it holds, change with every committed write. Two index probes, one round trip."""
        row = await self.db.one(
            "SELECT latest, (SELECT count(*) FROM ticket_activity WHERE id > latest - %s) FROM"
            " (SELECT coalesce(max(id), 0) AS latest FROM ticket_activity) m", (CHANGE_WINDOW,))
        return DeskChanges(f"{row[0]}.{row[1]}", row[0])

    async def changed_since(self, after: int, limit: int = 100) -> list[dict[str, Any]]:
        """The tickets written since activity row `after` (and the window before it, for writes that committed
        late), newest first, each saying whether a write after `after` opened it."""
        return await self.db.all(
            "SELECT t.number, t.short_description, t.channel, t.priority, bool_or(a.id > %(after)s AND a.kind = 'audit'"
            " AND a.field = 'state' AND a.old_value IS NULL) AS opened FROM ticket_activity a"
            " JOIN tickets t ON t.id = a.ticket_id WHERE a.id > %(window)s GROUP BY t.id ORDER BY max(a.id) DESC"
            " LIMIT %(limit)s", {"after": after, "window": max(after - CHANGE_WINDOW, 0), "limit": limit}, dicts=True)

    # A search that matches at most this many tickets is answered from their ids. PostgreSQL cannot know how rare
    # a word prefix is, and guessing "common" makes it walk every ticket in page order looking for a match.
    few_matches = 2_000

    async def find(self, where: TicketFilter, sort: str, cursor: str | None, limit: int,
                   matching: Matching | None = None) -> tuple[list[Ticket], str | None]:
        """One page of tickets in `sort` order (a column name, `-` first for descending) after `cursor`.

        `matching` is what count_matching answered for the same filter: with the ids of a search's few matches,
        the page is found among them. A search for a ticket's number puts that ticket first on the first page,
        ahead of the others holding its digits, and leaves it out of the pages after."""
        descending = sort.startswith("-")
        key = sort.lstrip("-")
        order_expr = SORT_COLUMNS[key]
        kept: list[str]
        kept_params: list[Any]
        if matching is not None and matching.ids is not None:
            kept, kept_params = ["t.id = ANY(%s::bigint[])"], [matching.ids]
        else:
            kept, kept_params = await self._conditions(where)
        # With a page of one there is no room beside it, and a cursor cannot point before the page's first row.
        pinned = (await self._typed(where.text)).number_id if where.text is not None and limit > 1 else None
        clauses, params = list(kept), list(kept_params)
        if pinned is not None:
            clauses.append("t.id <> %s")
            params.append(pinned)
        if cursor:
            value, last_id = _read_cursor(cursor, sort)
            clauses.append(f"({order_expr}, t.id) {'<' if descending else '>'} (%s, %s)")
            params += [value, last_id]
        direction = "DESC" if descending else "ASC"
        order = f" ORDER BY {order_expr} {direction}, t.id {direction}"
        selected = _SELECT.replace("FROM tickets t", f", {order_expr} AS sort_value, %s AS pinned FROM tickets t")
        query = selected + _where(clauses) + order + " LIMIT %s"
        params = [False, *params, limit + 1]
        if pinned is not None and not cursor:
            # The ticket itself, when the rest of the filter keeps it, in the same round trip.
            query = (f"SELECT * FROM (({selected}{_where([*kept, 't.id = %s'])}) UNION ALL ({query})) page"
                     f" ORDER BY pinned DESC, sort_value {direction}, id {direction}")
            params = [True, *kept_params, pinned, *params]
        # Never prepared: a plan made once for any state or word (PostgreSQL's generic plan, after five runs)
        # walks a million tickets for a rare one. Planning each page afresh costs about a millisecond.
        rows = await self.db.all(query, params, prepare=False, dicts=True)
        first = rows[:1] if rows and rows[0]["pinned"] else []
        rows = rows[len(first):]
        limit -= len(first)
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            next_cursor = _write_cursor(sort, last["sort_value"], last["id"])
        rows = first + rows
        for row in rows:
            row.pop("sort_value")
            row.pop("pinned")
        return [_ticket(row) for row in rows], next_cursor

    async def export_page(self, where: TicketFilter, sort: str, after: tuple[Any, int] | None,
                          limit: int) -> list[tuple[Any, ...]]:
        """Up to `limit` tickets in `sort` order after the (sort value, id) `after`, each as the list's columns
        after those two: number, opened, short description, caller, priority, state, category, group, assignee,
        channel, updated. A keyset page, as the list's own: the millionth row costs what the first does."""
        descending = sort.startswith("-")
        order_expr = SORT_COLUMNS[sort.lstrip("-")]
        clauses, params = await self._conditions(where)
        if after is not None:
            clauses.append(f"({order_expr}, t.id) {'<' if descending else '>'} (%s, %s)")
            params += list(after)
        direction = "DESC" if descending else "ASC"
        params.append(limit)
        return await self.db.all(
            f"SELECT {order_expr}, t.id, t.number, t.opened_at, t.short_description,"
            " coalesce(c.name, c.phone, c.email), t.priority, t.state, cat.name, g.name, t.assigned_to, t.channel,"
            " t.updated_at FROM tickets t LEFT JOIN contacts c ON c.id = t.caller_id"
            " LEFT JOIN categories cat ON cat.id = t.category_id"
            " LEFT JOIN assignment_groups g ON g.id = t.assignment_group_id"
            + _where(clauses) + f" ORDER BY {order_expr} {direction}, t.id {direction} LIMIT %s",
            params, prepare=False)

    async def one_snapshot(self) -> None:
        """Every later read of this transaction sees the tickets as they were at its first: an export read in
        pages neither skips nor repeats a ticket that changes meanwhile."""
        await self.db.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    # Counted exactly up to this many; past it the planner's estimate is close enough to say "about N", and
    # counting a million rows for every page costs more than the page itself.
    exact_up_to = 10_000

    async def count_matching(self, where: TicketFilter) -> Matching:
        """How many tickets the filter keeps, for the list's "1–25 of N", whether that is an estimate, and for a
        search that keeps at most few_matches, their ids (for find). An estimate is kept for ESTIMATES.seconds
        per filter: it is "about" a number anyway, and the next page, or the next agent opening the same view,
        then costs neither the count to 10,001 nor the plan."""
        key = (self.exact_up_to, repr(where))
        kept_estimate = ESTIMATES.get(self.db, key)
        if kept_estimate is not None:
            return Matching(kept_estimate, True)
        clauses, params = await self._conditions(where)
        kept = "SELECT t.id FROM tickets t" + _where(clauses)  # every condition is on the ticket's own columns
        # A search's ids come in the same round trip, as the text of a bigint[], and go back to find as they
        # came: parsing a few thousand ids into ints and dumping them again cost a third of a search's CPU.
        few_ids = (f"CASE WHEN count(*) <= {int(self.few_matches)} THEN coalesce(array_agg(id)::text, '{{}}') END"
                   if where.text is not None else "NULL")
        counted, ids = await self.db.one(
            f"SELECT count(*), {few_ids} FROM ({kept} LIMIT {int(self.exact_up_to) + 1}) kept", params, prepare=False)
        if counted <= self.exact_up_to:
            return Matching(counted, False, ids)
        plan = (await self.db.one("EXPLAIN (FORMAT JSON) " + kept, params, prepare=False))[0]
        estimate = max(counted, int(plan[0]["Plan"]["Plan Rows"]))
        ESTIMATES.keep(self.db, key, estimate)
        return Matching(estimate, True)

    async def _conditions(self, where: TicketFilter) -> tuple[list[str], list[Any]]:
        """The filter as SQL conditions and their parameters. Every condition is a constant of this module, and
        whatever a client sent goes only into the parameters: the text is joined as plain strings, which costs
        a microsecond, where composing it with psycopg.sql cost 60 per page and escapes nothing more here."""
        clauses: list[str] = []
        params: list[Any] = []

        def add(text: str, *values: Any) -> None:
            clauses.append(text)
            params.extend(values)

        if where.states and set(where.states) != set(State):  # every state is no filter (and no misestimate)
            add("t.state = ANY(%s)", [int(s) for s in where.states])
        if where.priority is not None:
            add("t.priority = %s", where.priority)
        if where.assignment_group is not None:
            add("t.assignment_group_id = (SELECT id FROM assignment_groups WHERE name = %s)", where.assignment_group)
        if where.assigned_to is not None:
            add("t.assigned_to = %s", where.assigned_to)
        if where.unassigned:
            add("t.assigned_to IS NULL")
        if where.member is not None:
            add("t.assignment_group_id IN (SELECT group_id FROM group_members WHERE user_name = %s)", where.member)
        if where.channel is not None:
            add("t.channel = %s", where.channel.value)
        if where.ungrouped:
            add("t.assignment_group_id IS NULL")
        if where.caller_phone is not None:
            add("t.caller_id = (SELECT id FROM contacts WHERE phone_key = %s)", phone_key(where.caller_phone))
        if where.category is not None:
            add("t.category_id = (SELECT id FROM categories WHERE name = %s)", where.category)
        if where.parent is not None:
            add("t.parent_id = (SELECT id FROM tickets WHERE number = %s)", where.parent)
        if where.text is not None:
            # Words in either language (accents aside, compounds joined or not), the beginnings of words being
            # typed, a caller's name or a run of their phone's digits, the number the text stands for ("10012"
            # finds INC0010012), or for digits, any number holding them. Each side is a condition an index
            # answers, and each is a constant by the time PostgreSQL plans it (the prefixes, the callers and the
            # number are worked out first), so it can tell a rare word, best found through the indexes, from a
            # common one, best found by walking the page's order.
            typed = await self._typed(where.text)
            joined = joined_compounds(where.text)
            sides = [f"t.search @@ ({_WORDS_ASKED})", "t.search @@ to_tsquery('atiende_simple', %s)"]
            values: list[Any] = [joined, joined, joined, prefix_query(joined)]
            if typed.number_id is not None:
                sides.append("t.id = %s")
                values.append(typed.number_id)
            if (digits := number_run(where.text)) is not None:
                sides.append("t.number_digits @@ to_tsquery('simple', %s)")
                values.append(digits_query(digits))
            if typed.callers:
                sides.append("t.caller_id = ANY(%s::bigint[])")
                values.append(typed.callers)
            add("(" + " OR ".join(sides) + ")", *values)
        return clauses, params

    # A name typed into search is someone's; past this many callers it is a letter (or four digits common to
    # many phones), and the words find the rest.
    callers_named_up_to = 2_000

    async def _typed(self, text: str) -> _Typed:
        """The callers a search's text names or whose phone holds its digits, and the ticket whose number it is,
        in one round trip. Counting and finding both ask, in one unit of work; the second asks the first's answer."""
        if text not in self._typed_texts:
            callers = "to_tsvector('atiende_simple', coalesce(name, '')) @@ to_tsquery('atiende_simple', %s)"
            # The name's words as typed, hyphens and all: "García-López" is two names, not one.
            params: list[Any] = [prefix_query(text)]
            if (digits := phone_run(text)) is not None:
                callers += " OR digit_suffixes(phone, 4) @@ to_tsquery('simple', %s)"
                params.append(digits_query(digits))
            callers_ids, number_id = await self.db.one(
                f"SELECT ARRAY(SELECT id FROM contacts WHERE {callers} LIMIT %s),"
                " (SELECT id FROM tickets WHERE number = %s)",
                (*params, self.callers_named_up_to, _number_like(text)))
            self._typed_texts[text] = _Typed(callers_ids, number_id)
        return self._typed_texts[text]


class _Typed(NamedTuple):
    callers: list[int]
    number_id: int | None


def _where(clauses: list[str]) -> str:
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def _number_like(text: str) -> str:
    """The ticket number that text stands for: INC0010012 from "inc0010012", "10012" or "INC10012"."""
    typed = text.strip().upper()
    return number_from_digits(typed.removeprefix("INC")) or typed


def _write_cursor(sort: str, value: Any, last_id: int) -> str:
    return cursors.encode(sort, value, last_id)


def _read_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    key = sort.lstrip("-")
    kind = "time" if key in _TIME_SORTS else "int" if key in _INT_SORTS else "text"
    cursor_sort, value, last_id = cursors.decode(cursor, "text", kind, "int")
    if cursor_sort != sort:
        raise InvalidInput("The cursor belongs to another sort order.",
                           [FieldError("invalid cursor", parameter="cursor", code="invalid_cursor")])
    return value, last_id
