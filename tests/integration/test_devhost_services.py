"""devhost finds PostgreSQL, or starts the embedded one, and leaves a migrated database either way; the Azurite and
Valkey it starts keep running after it stops, until `python -m devhost stop` ends them."""
import subprocess
import sys

import psycopg

from devhost.services import PID_FILE, _listening, ensure_postgres, ensure_redis, start_azurite, stop_services
from domain.store.migrations import pending_files
from tests.conftest import ROOT, free_port


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


def test_stop_ends_the_azurite_and_valkey_that_devhost_left_running(tmp_path):
    # Started as `python -m devhost serve` starts them, on ports of their own: their own sessions, so they outlive it.
    blob_port, redis_port = free_port(), free_port()
    azurite = start_azurite(blob_port, tmp_path / "azurite")
    valkey = ensure_redis(f"redis://127.0.0.1:{redis_port}/0", data_dir=tmp_path, search=False)
    assert valkey is not None and _listening(blob_port) and _listening(redis_port)
    stop = [sys.executable, "-m", "devhost", "stop", "--data-dir", str(tmp_path)]
    try:
        result = subprocess.run(stop, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
        assert azurite.wait(timeout=10) is not None and valkey.wait(timeout=10) is not None
    finally:
        for process in (azurite, valkey):
            if process.poll() is None:
                process.kill()
    assert f"stopped azurite (pid {azurite.pid})" in result.stdout
    assert f"stopped redis-{redis_port} (pid {valkey.pid})" in result.stdout
    assert not _listening(blob_port) and not _listening(redis_port)
    again = subprocess.run(stop, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert again.stdout.strip() == "nothing to stop"


def test_stop_leaves_alone_a_process_that_took_a_remembered_pid(tmp_path):
    (tmp_path / "azurite").mkdir()
    stranger = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        # The pid of a service that stopped long ago, since given to another program: its start time differs.
        (tmp_path / "azurite" / PID_FILE).write_text(f"{stranger.pid} 1\n")
        assert stop_services(tmp_path) == []
        assert stranger.poll() is None
        assert not (tmp_path / "azurite" / PID_FILE).exists()
    finally:
        stranger.kill()
        stranger.wait(timeout=10)
