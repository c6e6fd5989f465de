"""Throughput and latency of the ticket API through devhost, beside raw psycopg on the same database.

    .venv/bin/python benchmarks/api_throughput.py [--tickets 10000] [--clients 8] [--requests 1000]

Creates a fresh `atiende_bench` database, fills it with tickets, starts devhost on a free port and drives
each operation with concurrent HTTP clients; then does the same inserts and reads with raw psycopg. The
machines are noisy: read the ratio column, not the absolute numbers.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
from psycopg_pool import ConnectionPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.store.migrations import migrate  # noqa: E402
from domain.store.tickets import NEXT_NUMBER  # noqa: E402

# Words an agent searches for, in both languages, most of them in the filled tickets (devhost/fill.py).
WORDS_ES = ["impresora", "red", "correo", "contraseña", "portátil", "pantalla", "lenta", "error", "acceso",
            "factura", "servidor", "teléfono"]
WORDS_EN = ["printer", "network", "email", "password", "laptop", "screen", "slow", "error", "access", "invoice",
            "server", "phone"]


def fresh_database(server_url: str, name: str) -> str:
    admin = psycopg.conninfo.make_conninfo(server_url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = psycopg.conninfo.make_conninfo(server_url, dbname=name)
    migrate(url)
    return url


def fill(url: str, count: int) -> None:
    """The same realistic tickets as `python -m devhost fill`."""
    from devhost.fill import fill as fill_tickets

    fill_tickets(url, count, progress=lambda _: None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_devhost(url: str, timers: bool = False, env: dict[str, str] | None = None,
                  root: Path = ROOT, log: Path | None = None, python: str = sys.executable,
                  count_function_cpu: bool = False, launcher: list[str] | None = None) -> tuple[subprocess.Popen, str]:
    """devhost on a free port over `url`; `root` serves another checkout of Atiende (a benchmark's "before") with
    `python`, `log` keeps what it logs; `count_function_cpu` runs it through measured_devhost.py, `launcher`
    through another script that takes devhost's arguments."""
    port = free_port()
    # A benchmark measures the work, not the rate limit that would keep one agent from asking this often.
    env = {**os.environ, "DATABASE_URL": url, "SEED_DEMO_DATA": "false", "RATE_LIMIT_PER_MINUTE": "0", **(env or {})}
    if launcher is None:
        launcher = [str(ROOT / "benchmarks" / "measured_devhost.py")] if count_function_cpu else ["-m", "devhost"]
    command = [python, *launcher, "serve", "--port", str(port), *([] if timers else ["--no-timers"])]
    output = log.open("ab") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("devhost did not start")


def run(label: str, clients: int, requests: int, make_call: Callable[[int], Callable[[int], None]]) -> dict:
    """Run `requests` calls spread over `clients` threads; each thread gets its own call (client, connection)."""
    latencies: list[float] = []

    def worker(w: int) -> list[float]:
        call = make_call(w)
        mine = []
        for i in range(w, requests, clients):
            start = time.perf_counter()
            call(i)
            mine.append(time.perf_counter() - start)
        return mine

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for part in pool.map(worker, range(clients)):
            latencies += part
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {"label": label, "rps": requests / elapsed, "p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()

    url = fresh_database(args.server, "atiende_bench")
    fill(url, args.tickets)
    process, base = start_devhost(url)
    principal = base64.b64encode(json.dumps({"userDetails": "bench@example.com",
                                             "userRoles": ["authenticated", "agent"]}).encode()).decode()
    numbers = [f"INC{10001 + i:07d}" for i in range(args.tickets)]
    rng = random.Random(3)
    pool = ConnectionPool(url, min_size=args.clients, max_size=args.clients, open=True)

    def http(method: str, path_for: Callable[[int], str], body: dict | None = None):
        def make(_: int):
            client = httpx.Client(base_url=base, cookies={"StaticWebAppsAuthCookie": principal}, timeout=30)

            def call(i: int) -> None:
                response = client.request(method, path_for(i), json=body)
                assert response.status_code < 300, response.text
            return call
        return make

    def raw(query: str, params_for: Callable[[int], tuple]):
        def make(_: int):
            def call(i: int) -> None:
                with pool.connection() as conn:
                    conn.execute(query, params_for(i)).fetchall()
            return call
        return make

    create_body = {"short_description": "La impresora no imprime", "description": "printer jam " * 10, "impact": 2}
    scenarios = [
        ("create", http("POST", lambda i: "/api/tickets", create_body),
         raw("INSERT INTO tickets (number, impact, urgency, priority, short_description, description, channel,"
             " opened_at, opened_by) VALUES (" + NEXT_NUMBER + ", 2, 3, 4,"
             " %s, %s, 'api', now(), 'bench') RETURNING id", lambda i: (create_body["short_description"], create_body["description"]))),
        ("get by number", http("GET", lambda i: f"/api/tickets/{rng.choice(numbers)}"),
         raw("SELECT * FROM tickets WHERE number = %s", lambda i: (rng.choice(numbers),))),
        ("list, filtered", http("GET", lambda i: "/api/tickets?state=in_progress&assignment_group=Redes&limit=25"),
         raw("SELECT t.* FROM tickets t JOIN assignment_groups g ON g.id = t.assignment_group_id"
             " WHERE t.state = 2 AND g.name = 'Redes' ORDER BY t.id DESC LIMIT 26", lambda i: ())),
        ("full-text search", http("GET", lambda i: f"/api/tickets?q={rng.choice(WORDS_ES + WORDS_EN)}&limit=25"),
         raw("SELECT * FROM tickets WHERE search @@ (websearch_to_tsquery('english', %s) ||"
             " websearch_to_tsquery('spanish', %s)) ORDER BY id DESC LIMIT 26",
             lambda i: (w := rng.choice(WORDS_ES + WORDS_EN), w))),
    ]
    try:
        print(f"{args.tickets} tickets, {args.clients} concurrent clients, {args.requests} requests per row\n")
        header = f"{'operation':<18}{'API req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}" \
                 f"{'psycopg req/s':>15}{'p50 ms':>9}{'p99 ms':>9}{'API/raw':>9}"
        print(header)
        print("-" * len(header))
        for label, api_call, raw_call in scenarios:
            api = run(label, args.clients, args.requests, api_call)
            ref = run(label, args.clients, args.requests, raw_call)
            print(f"{label:<18}{api['rps']:>10.0f}{api['p50']:>9.1f}{api['p95']:>9.1f}{api['p99']:>9.1f}"
                  f"{ref['rps']:>15.0f}{ref['p50']:>9.2f}{ref['p99']:>9.2f}{api['rps'] / ref['rps']:>9.3f}")
    finally:
        process.terminate()
        pool.close()


if __name__ == "__main__":
    main()
