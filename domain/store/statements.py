"""How the stores talk to PostgreSQL: four awaitable calls over one of psycopg's async connections.

Every door, activity and timer of Atiende is a coroutine on the worker's event loop, and so is every store call
under it: one execution model, and no thread hop per request (measured on one get, when some doors still ran on
threads: a hop through the worker's thread pool and the GIL it shares cost 44 % of the request's CPU)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row, tuple_row


class Statements:
    def __init__(self, conn: psycopg.AsyncConnection[Any]):
        self.conn = conn
        self.info = conn.info

    async def one(self, query: Any, params: Any = None, *, dicts: bool = False, prepare: bool | None = None) -> Any:
        """The first row (a tuple, or a dict with `dicts`), or None."""
        cursor = self.conn.cursor(row_factory=dict_row if dicts else tuple_row)
        await cursor.execute(query, params, prepare=prepare)
        return await cursor.fetchone()

    async def all(self, query: Any, params: Any = None, *, dicts: bool = False, prepare: bool | None = None) -> list[Any]:
        cursor = self.conn.cursor(row_factory=dict_row if dicts else tuple_row)
        await cursor.execute(query, params, prepare=prepare)
        return await cursor.fetchall()

    async def run(self, query: Any, params: Any = None) -> int:
        """Runs a statement for its effect; returns how many rows it touched."""
        return (await self.conn.execute(query, params)).rowcount

    async def run_many(self, query: Any, params: Sequence[Any]) -> None:
        await self.conn.cursor().executemany(query, params)
