"""The floor under Atiende's answers, for cpu_per_request.py: Starlette on uvicorn and raw psycopg making the same
round trips as Atiende for a get, an update, a comment, a list's first page and a search, and answering their
rows as JSON. No sign-in, rules, models, SLA clocks or Functions programming model: what is left when all of
Atiende's own work is taken away.

    DATABASE_URL=... python -m uvicorn benchmarks.raw_psycopg_app:app --port 7398
"""
from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pydantic_core
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# The row the API reads, with its joins, the text search's own helpers and its limits: the statements stay
# Atiende's.
from domain.search_terms import joined_compounds, prefix_query
from domain.store.tickets import _SELECT, _WORDS_ASKED, CHANGE_WINDOW, TicketStore, _number_like

_BY_NUMBER = _SELECT + " WHERE t.number = %s"

pool = AsyncConnectionPool(os.environ["DATABASE_URL"], min_size=1, max_size=8, open=False,
                           kwargs={"autocommit": True, "row_factory": dict_row})


def _json(status: int, data: Any) -> Response:
    return Response(pydantic_core.to_json(data), status, media_type="application/json")


async def get_ticket(request: Request) -> Response:
    async with pool.connection() as conn:
        row = await (await conn.execute(_BY_NUMBER, (request.path_params["number"],))).fetchone()
    return _json(200, row)


async def update(request: Request) -> Response:
    changes = json.loads(await request.body())
    async with pool.connection() as conn:
        # Read the ticket, then write the change, bump the version and add its audit row in one statement.
        ticket = await (await conn.execute(_BY_NUMBER, (request.path_params["number"],))).fetchone()
        await conn.execute(
            "WITH written AS (UPDATE tickets SET urgency = %s, updated_at = now(), updated_by = 'bench@example.com',"
            " version = version + 1 WHERE id = %s RETURNING id)"
            " INSERT INTO ticket_activity (ticket_id, kind, actor, field, old_value, new_value, created_at)"
            " SELECT id, 'audit', 'bench@example.com', 'urgency', %s, %s, now() FROM written",
            (changes["urgency"], ticket["id"], str(ticket["urgency"]), str(changes["urgency"])))
    return _json(200, {**ticket, "urgency": changes["urgency"], "version": ticket["version"] + 1})


async def comment(request: Request) -> Response:
    body = json.loads(await request.body())["body"]
    async with pool.connection() as conn:
        # Read the ticket, then bump its version and add the comment in one statement, as Atiende's save does.
        ticket = await (await conn.execute(_BY_NUMBER, (request.path_params["number"],))).fetchone()
        row = await (await conn.execute(
            "WITH bumped AS (UPDATE tickets SET updated_at = now(), updated_by = 'bench@example.com',"
            " version = version + 1 WHERE id = %s RETURNING id)"
            " INSERT INTO ticket_activity (ticket_id, kind, actor, body, created_at)"
            " SELECT id, 'comment', 'bench@example.com', %s, now() FROM bumped"
            " RETURNING id, kind, actor, body, created_at", (ticket["id"], body))).fetchone()
    return _json(201, row)


async def list_or_search(request: Request) -> Response:
    """A list's first page in one round trip (past 10,000 tickets Atiende keeps its estimated total for ten
    seconds, so most pages ask only for their rows); a word search's three: the callers the words name, the
    count with the ids of the few matches, and the page among them."""
    limit = int(request.query_params.get("limit", 25))
    text = request.query_params.get("q")
    if text is None:
        async with pool.connection() as conn:
            rows = await (await conn.execute(_SELECT + " ORDER BY t.id DESC LIMIT %s", (limit + 1,),
                                             prepare=False)).fetchall()
        return _json(200, {"items": rows[:limit]})
    joined = joined_compounds(text)
    async with pool.connection() as conn:
        callers = [row["id"] for row in await (await conn.execute(
            "SELECT id FROM contacts WHERE to_tsvector('atiende_simple', coalesce(name, ''))"
            " @@ to_tsquery('atiende_simple', %s) LIMIT %s",
            (prefix_query(text), TicketStore.callers_named_up_to))).fetchall()]
        counted = await (await conn.execute(
            "SELECT count(*) AS total, coalesce(array_agg(id)::text, '{}') AS ids FROM (SELECT t.id FROM tickets t"
            f" WHERE t.search @@ ({_WORDS_ASKED}) OR t.search @@ to_tsquery('atiende_simple', %s)"
            " OR t.number = %s OR t.caller_id = ANY(%s::bigint[]) LIMIT %s) kept",
            (joined, joined, joined, prefix_query(joined), _number_like(text), callers, TicketStore.exact_up_to + 1),
            prepare=False)).fetchone()
        rows = await (await conn.execute(_SELECT + " WHERE t.id = ANY(%s::bigint[]) ORDER BY t.id DESC LIMIT %s",
                                         (counted["ids"], limit + 1), prepare=False)).fetchall()
    return _json(200, {"items": rows[:limit], "total": counted["total"]})


async def desk_changes(request: Request) -> Response:
    """A live-update poll: the desk's change tag in one round trip, 304 when the client's is the same, else the
    tickets written since `after` in a second."""
    after = int(request.query_params.get("after", 0))
    async with pool.connection() as conn:
        row = await (await conn.execute(
            "SELECT latest, (SELECT count(*) FROM ticket_activity WHERE id > latest - %s) AS window FROM"
            " (SELECT coalesce(max(id), 0) AS latest FROM ticket_activity) m", (CHANGE_WINDOW,))).fetchone()
        tag = f'"{row["latest"]}.{row["window"]}"'
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers={"ETag": tag})
        rows = await (await conn.execute(
            "SELECT t.number, t.short_description, t.channel, t.priority, bool_or(a.id > %(after)s AND a.kind = 'audit'"
            " AND a.field = 'state' AND a.old_value IS NULL) AS opened FROM ticket_activity a"
            " JOIN tickets t ON t.id = a.ticket_id WHERE a.id > %(window)s GROUP BY t.id ORDER BY max(a.id) DESC"
            " LIMIT 100", {"after": after, "window": max(after - CHANGE_WINDOW, 0)})).fetchall()
    return Response(pydantic_core.to_json({"tag": tag, "latest": row["latest"], "tickets": rows}), 200,
                    media_type="application/json", headers={"ETag": tag})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    await pool.open()
    yield
    await pool.close()


app = Starlette(routes=[Route("/api/tickets/{number}", get_ticket), Route("/api/tickets/{number}", update, methods=["PATCH"]),
                        Route("/api/tickets/{number}/comments", comment, methods=["POST"]),
                        Route("/api/tickets", list_or_search), Route("/api/changes", desk_changes)], lifespan=lifespan)
