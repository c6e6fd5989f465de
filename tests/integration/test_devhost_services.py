"""devhost finds PostgreSQL, or starts the embedded one, and leaves a migrated database either way."""
import psycopg

from devhost.services import ensure_postgres
from domain.store.migrations import pending_files


def test_the_configured_server_is_used_when_it_answers(database_url):
    assert ensure_postgres(database_url) == database_url


def test_an_embedded_postgres_starts_when_nothing_answers(tmp_path):
    url = ensure_postgres("postgresql://postgres@127.0.0.1:1/atiende", data_dir=tmp_path)
    assert str(tmp_path) in url
    with psycopg.connect(url) as conn:
        assert conn.info.server_version >= 150000
        applied = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        assert applied == [path.stem for path in pending_files()]
        assert conn.execute("SELECT count(*) FROM sla_targets").fetchone()[0] == 5
