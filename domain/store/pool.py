"""psycopg's async connection pools, one per database and event loop, opened on first use. A worker runs every
function on one loop; tests and tools that start loops of their own get pools of their own."""
from __future__ import annotations

import asyncio
import select
import threading
from typing import Any

import psycopg
from psycopg.pq import ConnStatus
from psycopg_pool import AsyncConnectionPool

# Keyed by the loop itself, not its id(): an ended loop's address goes to the next one, which must not be lent a
# pool whose tasks and connections belong to the one that ended.
_pools: dict[tuple[str, asyncio.AbstractEventLoop], AsyncConnectionPool] = {}
_lock = threading.Lock()


async def get_pool(database_url: str, max_size: int = 8) -> AsyncConnectionPool:
    """The async pool of this event loop, to which its connections and background tasks belong."""
    key = (database_url, asyncio.get_running_loop())
    pool = _pools.get(key)
    if pool is None:
        with _lock:
            # Lent in autocommit: most work reads or saves with one statement, and switching the mode takes the
            # async connection's lock; a unit of work that is a transaction switches it off.
            pool = _pools.setdefault(key, _LiveAsyncConnectionPool(
                database_url, max_size=max_size, open=False,
                **{**_POOLED, "kwargs": {**_POOLED["kwargs"], "autocommit": True}}))
    if pool.closed:
        await pool.open()  # safe to call again: the first requests of a burst may all get here
    return pool


_POOLED: dict[str, Any] = {
    "min_size": 1,
    "timeout": 10,
    # The pool retries a failed connection with doubling waits (1, 2, 4 ... s) until it gives up, so after a
    # 30 s outage its next try could come half a minute after the server is back, with every request answered
    # 503 meanwhile. Giving up after 10 s starts a fresh series on the next request.
    "reconnect_timeout": 10,
    "kwargs": {"connect_timeout": 5},
    "name": "atiende",
}


class _LiveAsyncConnectionPool(AsyncConnectionPool):
    """Lends only connections that survived their idle time.

    The pool's own `check` runs a query on every lease, which costs more CPU than most of ours, and after a
    connection fails it waits a second before trying the next, then two, then four: a server restart ends every
    idle connection at once, and a request drawing from a full pool of them timed out before it got through.
    Here a dead connection is closed and handed back (the pool connects a replacement in the background), and
    the next one is tried at once."""

    async def getconn(self, timeout: float | None = None) -> psycopg.AsyncConnection:
        for _ in range(self.max_size):
            conn = await super().getconn(timeout)
            if _still_connected(conn):
                return conn
            await conn.close()
            await self.putconn(conn)
        return await super().getconn(timeout)


def _still_connected(conn: psycopg.AsyncConnection) -> bool:
    """Whether a pooled connection survived its idle time, asked without a round trip. An idle connection is
    sent nothing (Atiende does not LISTEN), so a socket with something to read holds the server's goodbye (it
    shut down, restarted or ended the session) or its end of file. A connection lost silently still fails its
    first query, and that one request gets a 503 with Retry-After."""
    if conn.closed or conn.pgconn.status != ConnStatus.OK:
        return False
    idle = select.poll()  # poll, not select: select cannot watch a descriptor numbered past 1023
    idle.register(conn.pgconn.socket, select.POLLIN)
    return not idle.poll(0)


async def close_pools() -> None:
    """Close the async pools of the running event loop, before it ends."""
    loop = asyncio.get_running_loop()
    with _lock:
        mine = [key for key in _pools if key[1] is loop]
        pools = [_pools.pop(key) for key in mine]
    for pool in pools:
        await pool.close()
