"""How the stores talk to PostgreSQL, written once for both ways Atiende runs.

Store methods and the services over them are coroutines. A door whose work is only PostgreSQL is an async
function, which the Functions worker runs on its event loop, and awaits them over psycopg's async connection.
Everything else — doors that also call Redis, Blob Storage or an AI service, durable activities, timers —
runs on the worker's threads over a synchronous connection, where nothing ever waits on the event loop: the
coroutine finishes in one step, and `run_now` takes its result. Measured on one get: the thread pool and the
GIL it shares cost 44% of the request's CPU (benchmarks/thread_hop.py), which is why the hot doors are async;
the synchronous way stays for work that would otherwise block the loop."""
from __future__ import annotations

from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

import psycopg
from psycopg.rows import dict_row, tuple_row

T = TypeVar("T")


def run_now(work: Coroutine[Any, Any, T]) -> T:
    """The result of `work` run over a synchronous unit of work, which never waits on an event loop."""
    try:
        work.send(None)
    except StopIteration as finished:
        result: T = finished.value
        return result
    work.close()
    raise RuntimeError("run_now() was given work that waits on an event loop: await it instead")


class Statements:
    """A synchronous connection behind the awaitable calls the stores make; none of them ever suspends."""

    def __init__(self, conn: psycopg.Connection[Any]):
        self.conn = conn
        self.info = conn.info

    async def one(self, query: Any, params: Any = None, *, dicts: bool = False, prepare: bool | None = None) -> Any:
        """The first row (a tuple, or a dict with `dicts`), or None."""
        cursor = self.conn.cursor(row_factory=dict_row if dicts else tuple_row)
        return cursor.execute(query, params, prepare=prepare).fetchone()

    async def all(self, query: Any, params: Any = None, *, dicts: bool = False, prepare: bool | None = None) -> list[Any]:
        cursor = self.conn.cursor(row_factory=dict_row if dicts else tuple_row)
        return cursor.execute(query, params, prepare=prepare).fetchall()

    async def run(self, query: Any, params: Any = None) -> int:
        """Runs a statement for its effect; returns how many rows it touched."""
        return self.conn.execute(query, params).rowcount

    async def run_many(self, query: Any, params: Sequence[Any]) -> None:
        self.conn.cursor().executemany(query, params)


class AsyncStatements:
    """The same calls over psycopg's async connection, for the doors that run on the event loop."""

    def __init__(self, conn: psycopg.AsyncConnection[Any]):
        self.conn = conn
        self.info = conn.info

    async def one(self, query: Any, params: Any = None, *, dicts: bool = False, prepare: bool | None = None) -> Any:
        cursor = self.conn.cursor(row_factory=dict_row if dicts else tuple_row)
        await cursor.execute(query, params, prepare=prepare)
        return await cursor.fetchone()

    async def all(self, query: Any, params: Any = None, *, dicts: bool = False, prepare: bool | None = None) -> list[Any]:
        cursor = self.conn.cursor(row_factory=dict_row if dicts else tuple_row)
        await cursor.execute(query, params, prepare=prepare)
        return await cursor.fetchall()

    async def run(self, query: Any, params: Any = None) -> int:
        return (await self.conn.execute(query, params)).rowcount

    async def run_many(self, query: Any, params: Sequence[Any]) -> None:
        await self.conn.cursor().executemany(query, params)
