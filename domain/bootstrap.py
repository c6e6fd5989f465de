"""The composition root: settings, the database pool and a unit of work, built once per worker."""
from __future__ import annotations

import threading

import psycopg

from domain.errors import DependencyUnavailable
from domain.settings import Settings, get_settings
from domain.store.migrations import migrate
from domain.store.pool import get_pool
from domain.store.uow import UnitOfWork

_migrated: set[str] = set()
_lock = threading.Lock()


def settings() -> Settings:
    return get_settings()


def uow(config: Settings | None = None) -> UnitOfWork:
    config = config or get_settings()
    _migrate_once(config.DATABASE_URL)
    return UnitOfWork(get_pool(config.DATABASE_URL, config.DATABASE_POOL_MAX_SIZE))


def _migrate_once(database_url: str) -> None:
    # Azure Functions has no start-up hook, so each worker brings the schema up to date before its first
    # query; the migrations' advisory lock lets many workers do this at once safely.
    if database_url in _migrated:
        return
    with _lock:
        if database_url not in _migrated:
            try:
                migrate(database_url)
            except psycopg.OperationalError as err:
                raise DependencyUnavailable("The database is not reachable right now.") from err
            _migrated.add(database_url)
