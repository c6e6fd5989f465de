"""Phone calls in PostgreSQL, keyed by Twilio's CallSid, and the callers who joined a ticket."""
from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from psycopg import sql

from domain import cursors
from domain.calls import Call
from domain.store.statements import Statements

_COLUMNS = [f.name for f in fields(Call) if f.name != "ticket_number"]
_SELECT = sql.SQL("SELECT {}, t.number AS ticket_number FROM calls c LEFT JOIN tickets t ON t.id = c.ticket_id").format(
    sql.SQL(", ").join(sql.Identifier("c", name) for name in _COLUMNS)
)
# What a webhook or a pipeline step may change; the sid, caller and start time are written once.
_UPDATABLE = frozenset(_COLUMNS) - {"sid", "from_phone", "started_at"}


class CallStore:
    def __init__(self, db: Statements):
        self.db = db

    async def start(self, call: Call) -> Call:
        """Record the call once; a repeated webhook for the same CallSid gets the stored call back unchanged."""
        names = [n for n in _COLUMNS if getattr(call, n) is not None or n == "joined_existing"]
        await self.db.run(
            sql.SQL("INSERT INTO calls ({}) VALUES ({}) ON CONFLICT (sid) DO NOTHING").format(
                sql.SQL(", ").join(map(sql.Identifier, names)), sql.SQL(", ").join(sql.Placeholder(n) for n in names)
            ),
            {n: getattr(call, n) for n in names},
        )
        stored = await self.get(call.sid)
        assert stored is not None
        return stored

    async def get(self, sid: str, *, for_update: bool = False) -> Call | None:
        query = _SELECT + sql.SQL(" WHERE c.sid = %s") + sql.SQL(" FOR UPDATE OF c" if for_update else "")
        row = await self.db.one(query, (sid,), dicts=True)
        return Call(**row) if row else None

    async def update(self, sid: str, at: datetime, **changes: Any) -> None:
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"calls cannot change {sorted(unknown)}")
        assignments: list[sql.Composable] = [sql.SQL("{} = {}").format(sql.Identifier(k), sql.Placeholder(k))
                                             for k in changes]
        assignments.append(sql.SQL("updated_at = %(updated_at)s"))
        await self.db.run(
            sql.SQL("UPDATE calls SET {} WHERE sid = %(sid)s").format(sql.SQL(", ").join(assignments)),
            {**changes, "sid": sid, "updated_at": at},
        )

    async def find(self, *, ticket_id: int | None, needs_review: bool | None, cursor: str | None,
                   limit: int) -> tuple[list[Call], str | None]:
        """Newest first, a page at a time."""
        clauses: list[sql.Composable] = []
        params: list[Any] = []
        if ticket_id is not None:
            clauses.append(sql.SQL("c.ticket_id = %s"))
            params.append(ticket_id)
        if needs_review is not None:
            clauses.append(sql.SQL("c.review_reason IS NOT NULL" if needs_review else "c.review_reason IS NULL"))
        if cursor:
            started, sid = _read_cursor(cursor)
            clauses.append(sql.SQL("(c.started_at, c.sid) < (%s, %s)"))
            params += [started, sid]
        query = _SELECT
        if clauses:
            query += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(clauses)
        query += sql.SQL(" ORDER BY c.started_at DESC, c.sid DESC LIMIT %s")
        rows = await self.db.all(query, [*params, limit + 1], dicts=True)
        calls = [Call(**row) for row in rows[:limit]]
        more = len(rows) > limit
        return calls, _write_cursor(calls[-1]) if more else None

    async def add_affected(self, ticket_id: int, contact_id: int, call_sid: str, at: datetime) -> bool:
        """Count the caller as affected by the ticket; False when they already were."""
        row = await self.db.one(
            "INSERT INTO ticket_affected_contacts (ticket_id, contact_id, call_sid, added_at)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING ticket_id",
            (ticket_id, contact_id, call_sid, at),
        )
        return row is not None

    async def to_tell_resolved(self, limit: int) -> list[dict[str, Any]]:
        """Calls that reported a problem many callers shared, now resolved, whose caller has not been told yet."""
        return await self.db.all(
            "SELECT c.sid, c.from_phone, c.locale, t.number, t.close_notes FROM tickets t JOIN calls c"
            " ON c.ticket_id = t.id WHERE t.affected_callers > 1 AND t.state IN (6, 7)"
            " AND c.resolved_sms_status IS NULL ORDER BY c.started_at LIMIT %s", (limit,), dicts=True)

    async def serialize_ticket_creation(self) -> None:
        """Hold, until this transaction ends, the lock that makes one phone ticket at a time: two callers
        reporting the same outage at once must not both find no ticket and both open one."""
        await self.db.run("SELECT pg_advisory_xact_lock(7402119)")


def _write_cursor(call: Call) -> str:
    return cursors.encode(call.started_at, call.sid)


def _read_cursor(cursor: str) -> tuple[datetime, str]:
    started, sid = cursors.decode(cursor, "time", "text")
    return started, sid
