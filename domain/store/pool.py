"""One psycopg connection pool per worker, opened on first use."""
from __future__ import annotations

import threading

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
                check=ConnectionPool.check_connection,
                kwargs={"connect_timeout": 5},
                name="atiende",
            )
            _pools[database_url] = pool
        return pool


def close_pools() -> None:
    with _lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()
