"""The composition root: settings, the database pool and a unit of work, built once per worker."""
from __future__ import annotations

from domain.settings import Settings, get_settings
from domain.store.pool import get_pool
from domain.store.uow import UnitOfWork


def settings() -> Settings:
    return get_settings()


def uow(config: Settings | None = None) -> UnitOfWork:
    config = config or get_settings()
    return UnitOfWork(get_pool(config.DATABASE_URL, config.DATABASE_POOL_MAX_SIZE))
