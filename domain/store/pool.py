"""One psycopg connection pool per worker, opened on first use."""
from __future__ import annotations

import select
import threading

import psycopg
from psycopg.pq import ConnStatus
from psycopg_pool import ConnectionPool

_pools: dict[str, ConnectionPool] = {}
_lock = threading.Lock()


def get_pool(database_url: str, max_size: int = 8) -> ConnectionPool:
    with _lock:
        pool = _pools.get(database_url)
        if pool is None:
            # open=True explicitly: the psycopg docs warn that the default may change.
            pool = ConnectionPool(
                database_url,
                min_size=1,
                max_size=max_size,
                open=True,
                timeout=10,
                # The pool retries a failed connection with doubling waits (1, 2, 4 ... s) until it gives up, so
                # after a 30 s outage its next try could come half a minute after the server is back, with every
                # request answered 503 meanwhile. Giving up after 10 s starts a fresh series on the next request.
                reconnect_timeout=10,
                check=_still_connected,
                kwargs={"connect_timeout": 5},
                name="atiende",
            )
            _pools[database_url] = pool
        return pool


def _still_connected(conn: psycopg.Connection) -> None:
    """Whether a pooled connection survived its idle time, asked without a round trip. An idle connection is
    sent nothing (Atiende does not LISTEN), so a socket with something to read holds the server's goodbye (it
    shut down, restarted or ended the session) or its end of file. The pool's own check sends a query on every
    lease instead, which costs more CPU than most of our queries. A connection lost silently still fails its
    first query, and that one request gets a 503 with Retry-After."""
    if conn.closed or conn.pgconn.status != ConnStatus.OK:
        raise psycopg.OperationalError("the connection is closed")
    idle = select.poll()  # poll, not select: select cannot watch a descriptor numbered past 1023
    idle.register(conn.pgconn.socket, select.POLLIN)
    if idle.poll(0):
        # Closed here, so the pool sees a broken connection and replaces it; an open one it would lend again.
        conn.close()
        raise psycopg.OperationalError("the server closed the connection while it was idle in the pool")


def close_pools() -> None:
    with _lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()
