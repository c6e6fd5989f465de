"""Answers this process keeps for a few seconds, per database, where asking PostgreSQL on every request would cost
more than an answer that is seconds old: SLA targets, estimated list totals."""
from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from typing import Any


class KeptForSeconds:
    """Each value is kept `seconds` under its database and key; past `most` values, all are forgotten at once
    (the keys may be endless: filters with the words searched for)."""

    def __init__(self, seconds: float, most: int = 1_000):
        self.seconds = seconds
        self.most = most
        self._kept: dict[tuple[Any, ...], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, db: Any, key: Hashable) -> Any | None:
        """The value kept for `key` in the database `db` talks to, or None when there is none this recent."""
        kept = self._kept.get(_in_database(db, key))
        if kept is None or time.monotonic() - kept[0] >= self.seconds:
            return None
        return kept[1]

    def keep(self, db: Any, key: Hashable, value: Any) -> None:
        with self._lock:
            if len(self._kept) >= self.most:
                self._kept.clear()
            self._kept[_in_database(db, key)] = (time.monotonic(), value)

    def forget(self) -> None:
        """Drop every value, after a change to what they copy has committed."""
        with self._lock:
            self._kept.clear()


def _in_database(db: Any, key: Hashable) -> tuple[Any, ...]:
    """`db` is a connection, or the name of a database where no connection is at hand (a unit of work's
    `database`): either keeps one database's values apart from another's."""
    if isinstance(db, str):
        return db, key
    return db.info.host, db.info.port, db.info.dbname, key
