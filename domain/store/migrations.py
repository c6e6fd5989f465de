"""Applies the numbered SQL files in `migrations/` once each, in order, recording what ran."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

import psycopg

from domain.errors import DependencyUnavailable

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any fixed number: it only has to be the same for every process that migrates this database.
_LOCK_ID = 7_402_118

log = logging.getLogger(__name__)
_migrated: set[str] = set()
_lock = threading.Lock()


def migrated(database_url: str) -> bool:
    """Whether this process already brought this database up to date."""
    return database_url in _migrated


def migrate_once(database_url: str) -> None:
    """Bring the database up to date once per process. Azure Functions has no start-up hook, so each worker does
    it before its first query; the migrations' advisory lock lets many workers do this at once safely."""
    if database_url in _migrated:
        return
    with _lock:
        if database_url not in _migrated:
            try:
                migrate(database_url)
            except psycopg.OperationalError as err:
                raise DependencyUnavailable("The database is not reachable right now.") from err
            _migrated.add(database_url)


def pending_files() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def migrate(database_url: str) -> list[str]:
    """Apply what has not run yet; safe to call from several processes at once. Returns what it applied."""
    applied_now: list[str] = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            for path in pending_files():
                if path.stem in done:
                    continue
                with conn.transaction():
                    conn.execute(path.read_text(encoding="utf-8"))
                    conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (path.stem,))
                log.info("applied migration %s", path.stem)
                applied_now.append(path.stem)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))
    return applied_now


def ensure_database(database_url: str) -> bool:
    """Create the database named in the URL if the server lacks it; True when it was created."""
    info = psycopg.conninfo.conninfo_to_dict(database_url)
    name = str(info.get("dbname") or "")  # read from a URL, it is text (the type allows a keyword argument's int)
    if not name:
        return False
    try:
        psycopg.connect(database_url, connect_timeout=5).close()
        return False
    except psycopg.OperationalError as err:
        if "does not exist" not in str(err):
            raise
    admin_url = psycopg.conninfo.make_conninfo(database_url, dbname="postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        try:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False
    return True
