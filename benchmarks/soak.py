"""Soak: 32 agents' worth of mixed work against devhost for 10 minutes while PostgreSQL, Redis and Azurite are
each taken away and brought back; then a consistency check of everything the API acknowledged.

    .venv/bin/python benchmarks/soak.py [--clients 32] [--minutes 10] [--tickets 10000]

Each client creates (with an Idempotency-Key it repeats until the create is acknowledged), updates with
If-Match, comments, lists, searches and asks for similar tickets; one more places a phone call through the
durable pipeline every 20 seconds, as Twilio would. Faults, at fixed shares of the run:

    20-25%  PostgreSQL stopped (the machine's cluster, with pg_ctlcluster): requests get 503 with Retry-After
    40-50%  Redis stopped: similar tickets answer 503, lists and searches go on, the index backlog waits
    65-75%  Azurite stopped: recordings cannot be stored, calls still make tickets

After the run it waits for the backlog (index outbox, call pipelines) and checks: every acknowledged create,
update and comment is there, every update has its audit row, no create was made twice, numbers are unique,
and no answer was a 5xx other than a 503 with Retry-After while a dependency was down.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fill, free_port, fresh_database, start_devhost  # noqa: E402
from devhost.call import CallSimulator  # noqa: E402
from devhost.services import ensure_redis, start_azurite  # noqa: E402
from domain.voice_script import text  # noqa: E402

AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
WORDS = ["impresora", "printer", "vpn", "contraseña", "password", "correo", "monitor", "wifi"]
SAYINGS = ["La impresora de la planta dos no imprime nada", "Mi portátil no se conecta a la VPN desde casa",
           "My laptop cannot reach the VPN from home", "The printer on floor three is jammed again"]
# Weights of each kind of work a client does next.
WORK = {"create": 20, "update": 20, "comment": 15, "list": 15, "search": 15, "similar": 15}


@dataclass
class Ledger:
    """What the API acknowledged, and every answer's status, kept by all clients at once."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    created: dict[str, str] = field(default_factory=dict)  # idempotency key -> number
    updates: list[tuple[str, str]] = field(default_factory=list)  # (number, description written)
    comments: list[tuple[str, int]] = field(default_factory=list)  # (number, activity id)
    calls: list[str] = field(default_factory=list)  # CallSids whose first webhook was answered
    answers: Counter = field(default_factory=Counter)  # (phase, operation, status)
    bad: list[str] = field(default_factory=list)  # 5xx answers that break the rules
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    phase: str = "normal"
    # When each fault began and (once its dependency was back) ended, on the monotonic clock.
    faults: list[list[float]] = field(default_factory=list)
    back_since: float | None = None  # when PostgreSQL or Redis came back, until the first answer that needed it
    recovered_in: list[tuple[str, float]] = field(default_factory=list)

    def note(self, operation: str, response: httpx.Response, seconds: float, phase: str) -> None:
        """An answer, counted in the phase its request was sent in (a request sent while PostgreSQL was down
        may wait out the pool's timeout and answer 503 after it is back). A 503 is the fault's when the request
        was in flight at any moment of one."""
        answered = time.monotonic()
        with self.lock:
            if phase == "normal" and any(start <= answered and end >= answered - seconds
                                         for start, end in self.faults):
                phase = "in flight at a fault"
            self.answers[(phase, operation, response.status_code)] += 1
            needed = {"postgresql back": operation != "similar", "redis back": operation == "similar"}
            if self.back_since is not None and response.status_code < 300 and needed.get(self.phase):
                self.recovered_in.append((self.phase, time.monotonic() - self.back_since))
                self.back_since = None
            self.latency[operation].append(seconds)
            if response.status_code >= 500 and not (response.status_code == 503 and response.headers.get("retry-after")):
                self.bad.append(f"{time.strftime('%H:%M:%S')} {phase} {operation} {response.status_code}"
                                f" {response.text[:200]}")
            if response.status_code == 503 and phase == "normal":
                self.bad.append(f"{time.strftime('%H:%M:%S')} 503 with every dependency up: {operation}"
                                f" {response.text[:200]}")


class Client:
    def __init__(self, n: int, base: str, ledger: Ledger, stop_at: float):
        principal = {"userDetails": f"soak{n}@atiende.example", "userRoles": ["authenticated", "agent"]}
        cookie = base64.b64encode(json.dumps(principal).encode()).decode()
        self.http = httpx.Client(base_url=base, cookies={"StaticWebAppsAuthCookie": cookie}, timeout=60)
        self.n, self.ledger, self.stop_at = n, ledger, stop_at
        self.random = random.Random(n)
        self.seq = 0

    def send(self, operation: str, method: str, path: str, **kwargs) -> httpx.Response | None:
        started, phase = time.perf_counter(), self.ledger.phase
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as err:
            # A kept-alive connection the server closed as this request went out (its idle timeout) is a flaky
            # network to the client: no answer, so nothing acknowledged; the client goes on as a real one would.
            with self.ledger.lock:
                self.ledger.answers[(self.ledger.phase, operation, type(err).__name__)] += 1
            return None
        self.ledger.note(operation, response, time.perf_counter() - started, phase)
        if response.status_code in (429, 503):
            time.sleep(min(5, int(response.headers.get("retry-after", "1"))) * self.random.uniform(0.5, 1))
        return response

    def run(self) -> None:
        while time.monotonic() < self.stop_at:
            self.seq += 1
            work = self.random.choices(list(WORK), list(WORK.values()))[0]
            getattr(self, work)()

    def a_ticket(self) -> str | None:
        with self.ledger.lock:
            numbers = list(self.ledger.created.values())
        return self.random.choice(numbers[-200:]) if numbers else None

    def create(self) -> None:
        # The same key until the create is acknowledged: a retry after a 503 must never make a second ticket.
        key = f"soak-{self.n}-{self.seq}"
        body = {"short_description": f"{key} {self.random.choice(WORDS)} no funciona",
                "description": "Desde esta mañana.", "impact": self.random.randint(1, 3)}
        while time.monotonic() < self.stop_at + 60:
            response = self.send("create", "POST", "/api/tickets", json=body, headers={"Idempotency-Key": key})
            if response is not None and response.status_code in (200, 201):
                with self.ledger.lock:
                    self.ledger.created[key] = response.json()["number"]
                return

    def update(self) -> None:
        number = self.a_ticket()
        if not number:
            return
        read = self.send("read", "GET", f"/api/tickets/{number}")
        if read is None or read.status_code != 200:
            return
        written = f"edit soak-{self.n}-{self.seq}"
        response = self.send("update", "PATCH", f"/api/tickets/{number}", json={"description": written},
                             headers={"If-Match": read.headers["etag"]})
        if response is not None and response.status_code == 200:
            with self.ledger.lock:
                self.ledger.updates.append((number, written))

    def comment(self) -> None:
        number = self.a_ticket()
        if number:
            response = self.send("comment", "POST", f"/api/tickets/{number}/comments",
                                 json={"body": f"comment soak-{self.n}-{self.seq}"})
            if response is not None and response.status_code == 201:
                with self.ledger.lock:
                    self.ledger.comments.append((number, response.json()["id"]))

    def list(self) -> None:
        sort = self.random.choice(["-number", "-updated_at", "caller", "priority", "assignment_group"])
        self.send("list", "GET", "/api/tickets", params={"view": self.random.choice(["open", "all"]), "sort": sort})

    def search(self) -> None:
        self.send("search", "GET", "/api/tickets", params={"q": self.random.choice(WORDS)})

    def similar(self) -> None:
        number = self.a_ticket()
        if number:
            self.send("similar", "GET", f"/api/tickets/{number}/similar")


def place_calls(base: str, ledger: Ledger, stop_at: float) -> None:
    """A call every 20 seconds, each in its own thread as callers do not queue behind each other."""
    def one(caller: str, say: str) -> None:
        simulator = CallSimulator(base, caller, say, honour_pauses=False)
        try:
            heard = simulator.run(wait=False).heard
        except Exception as err:  # noqa: BLE001 - Twilio gets the same refusal and tells the caller to try later
            with ledger.lock:
                ledger.answers[(ledger.phase, "call refused", type(err).__name__)] += 1
            return
        if any(text("unavailable", language) in line for line in heard for language in ("es", "en")):
            with ledger.lock:  # told, before saying anything, to call again: there is nothing to make a ticket of
                ledger.answers[(ledger.phase, "call", "call again")] += 1
            return
        with ledger.lock:
            ledger.calls.append(simulator.sid)
            ledger.answers[(ledger.phase, "call", "answered")] += 1

    n = 0
    while time.monotonic() < stop_at:
        n += 1
        caller = f"+3461{n:07d}" if n % 2 else f"+1202555{n:04d}"
        threading.Thread(target=one, args=(caller, SAYINGS[n % len(SAYINGS)]), daemon=True).start()
        time.sleep(20)


class Faults:
    """Takes each dependency away and brings it back at its share of the run, and says when."""

    def __init__(self, ledger: Ledger, redis_url: str, redis_dir: Path, azurite_port: int, azurite_dir: Path):
        self.ledger, self.redis_url, self.redis_dir = ledger, redis_url, redis_dir
        self.azurite_port, self.azurite_dir = azurite_port, azurite_dir
        self.redis = ensure_redis(redis_url, data_dir=redis_dir)
        self.azurite = start_azurite(azurite_port, azurite_dir)
        self.cluster = sorted(os.listdir("/etc/postgresql"))[-1] if Path("/etc/postgresql").exists() else None
        self.timeline: list[tuple[float, str]] = []

    def run(self, started: float, seconds: float) -> None:
        plan = [(0.20, "postgresql down", self.stop_postgres), (0.25, "normal", self.start_postgres),
                (0.40, "redis down", self.stop_redis), (0.50, "normal", self.start_redis),
                (0.65, "azurite down", self.stop_azurite), (0.75, "normal", self.start_azurite)]
        for share, phase, action in plan:
            time.sleep(max(0, started + share * seconds - time.monotonic()))
            if phase == "normal":
                down = self.ledger.phase
                action()
                with self.ledger.lock:
                    # Until the first answer that needed the dependency and got it: the time to recover.
                    self.ledger.phase = down.replace(" down", " back")
                    self.ledger.back_since = time.monotonic()
                time.sleep(5)  # what was refused in the window is retried after Retry-After
            with self.ledger.lock:
                self.ledger.phase = phase
                if phase == "normal":
                    self.ledger.faults[-1][1] = time.monotonic()
                else:
                    self.ledger.faults.append([time.monotonic(), float("inf")])
            if phase != "normal":
                action()
            self.timeline.append((time.monotonic() - started, f"{action.__name__.replace('_', ' ')}"))

    def pg_ctl(self, verb: str) -> None:
        if self.cluster:
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", self.cluster, "main", verb,
                            *(["-m", "fast"] if verb == "stop" else [])], check=True)

    def stop_postgres(self) -> None:
        self.pg_ctl("stop")

    def start_postgres(self) -> None:
        self.pg_ctl("start")

    def stop_redis(self) -> None:
        self.redis.terminate()
        self.redis.wait()

    def start_redis(self) -> None:
        self.redis = ensure_redis(self.redis_url, data_dir=self.redis_dir)

    def stop_azurite(self) -> None:
        os.killpg(self.azurite.pid, 15)
        self.azurite.wait()

    def start_azurite(self) -> None:
        self.azurite = start_azurite(self.azurite_port, self.azurite_dir)

    def close(self) -> None:
        for process in (self.redis, self.azurite):
            if process and process.poll() is None:
                os.killpg(process.pid, 15)


def wait_for_backlog(url: str, ledger: Ledger, seconds: float = 180) -> dict[str, float | int]:
    """Until the index outbox is empty and every answered call's pipeline has finished."""
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            outbox = conn.execute("SELECT count(*) FROM index_outbox").fetchone()[0]
            pending = conn.execute("SELECT count(*) FROM calls WHERE sid = ANY(%s) AND ticket_id IS NULL",
                                   (ledger.calls,)).fetchone()[0]
            if (outbox == 0 and pending == 0) or time.monotonic() - started > seconds:
                return {"outbox": outbox, "calls without ticket": pending, "seconds": time.monotonic() - started}
            time.sleep(1)


def check(url: str, ledger: Ledger) -> list[tuple[str, int, int]]:
    """(what, how many checked, how many wrong) for each rule."""
    with psycopg.connect(url) as conn:
        numbers = list(ledger.created.values())
        found = {n for (n,) in conn.execute("SELECT number FROM tickets WHERE number = ANY(%s)", (numbers,))}
        made = conn.execute("SELECT split_part(short_description, ' ', 1), count(*) FROM tickets"
                            " WHERE short_description LIKE 'soak-%%' GROUP BY 1").fetchall()
        twice = sum(1 for _, count in made if count > 1)
        unacknowledged = sum(1 for key, _ in made if key not in ledger.created)
        audited = {(n, v) for n, v in conn.execute(
            "SELECT t.number, a.new_value FROM ticket_activity a JOIN tickets t ON t.id = a.ticket_id"
            " WHERE a.kind = 'audit' AND a.field = 'description' AND t.number = ANY(%s)",
            (list({n for n, _ in ledger.updates}),))}
        comment_ids = {i for (i,) in conn.execute("SELECT id FROM ticket_activity WHERE id = ANY(%s)",
                                                   ([i for _, i in ledger.comments],))}
        duplicated_numbers = conn.execute("SELECT count(*) - count(DISTINCT number) FROM tickets").fetchone()[0]
        call_tickets = conn.execute("SELECT count(*) FROM calls WHERE sid = ANY(%s) AND ticket_id IS NOT NULL",
                                    (ledger.calls,)).fetchone()[0]
        recordings = conn.execute("SELECT count(*) FILTER (WHERE recording_blob IS NOT NULL), count(*) FROM calls"
                                  " WHERE sid = ANY(%s)", (ledger.calls,)).fetchone()
    print(f"\ncalls: {recordings[1]} answered, {recordings[0]} with their recording stored")
    return [
        ("acknowledged creates are there", len(numbers), len(numbers) - len(found)),
        ("creates made twice (same key)", len(made), twice),
        ("tickets made without an acknowledgement", len(made), unacknowledged),
        ("acknowledged updates have their audit row", len(ledger.updates), len(set(ledger.updates) - audited)),
        ("acknowledged comments are there", len(ledger.comments), len({i for _, i in ledger.comments} - comment_ids)),
        ("ticket numbers used twice", len(numbers), duplicated_numbers),
        ("answered calls ended in a ticket", len(ledger.calls), len(ledger.calls) - call_tickets),
        ("5xx answers that are not a 503 with Retry-After during a fault", sum(ledger.answers.values()), len(ledger.bad)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--tickets", type=int, default=10_000)
    args = parser.parse_args()

    url = fresh_database(args.server, "atiende_bench_soak")
    fill(url, args.tickets)
    work = Path(tempfile.mkdtemp(prefix="atiende-soak-"))
    redis_url = f"redis://127.0.0.1:{free_port()}/0"
    azurite_port = free_port()
    ledger = Ledger()
    faults = Faults(ledger, redis_url, work, azurite_port, work / "azurite")
    storage = (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};"
               f"BlobEndpoint=http://127.0.0.1:{azurite_port}/devstoreaccount1;")
    log = Path(tempfile.gettempdir()) / "atiende-soak-devhost.log"
    log.unlink(missing_ok=True)
    process, base = start_devhost(url, timers=True, env={"REDIS_URL": redis_url, "AzureWebJobsStorage": storage},
                                  log=log)
    seconds = args.minutes * 60
    started = time.monotonic()
    stop_at = started + seconds
    threads = [threading.Thread(target=Client(n, base, ledger, stop_at).run) for n in range(args.clients)]
    threads.append(threading.Thread(target=place_calls, args=(base, ledger, stop_at), daemon=True))
    fault_thread = threading.Thread(target=faults.run, args=(started, seconds))
    try:
        for thread in threads + [fault_thread]:
            thread.start()
        fault_thread.join()
        for thread in threads[:-1]:
            thread.join()
        backlog = wait_for_backlog(url, ledger)
        rules = check(url, ledger)
    finally:
        process.terminate()
        process.wait()
        faults.close()
        shutil.rmtree(work, ignore_errors=True)

    total = sum(ledger.answers.values())
    print(f"\n{args.clients} clients for {args.minutes:g} min: {total:,} answers, {total / seconds:.0f}/s\n")
    print("faults (seconds into the run): " + ", ".join(f"{at:.0f} {what}" for at, what in faults.timeline))
    header = f"\n{'operation':<10}{'answers':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header)
    print("-" * (len(header) - 1))
    for operation, samples in sorted(ledger.latency.items()):
        q = statistics.quantiles(samples, n=100) if len(samples) > 1 else [samples[0]] * 99
        print(f"{operation:<10}{len(samples):>9,}{q[49] * 1000:>9.1f}{q[94] * 1000:>9.1f}{q[98] * 1000:>9.1f}")
    print(f"\n{'phase':<22}{'operation':<14}{'answer':>14}{'count':>9}")
    for (phase, operation, status), count in sorted(ledger.answers.items(), key=lambda kv: tuple(map(str, kv[0]))):
        print(f"{phase:<22}{operation:<14}{status!s:>14}{count:>9,}")
    print("\nrecovered (first answer that needed the dependency, after it came back): "
          + ", ".join(f"{phase.replace(' back', '')} {seconds:.1f} s" for phase, seconds in ledger.recovered_in))
    print(f"\nbacklog after the run: {backlog['outbox']} tickets to index, {backlog['calls without ticket']} calls"
          f" without a ticket, waited {backlog['seconds']:.0f} s")
    print(f"\n{'consistency check':<66}{'checked':>9}{'wrong':>7}")
    for what, checked, wrong in rules:
        print(f"{what:<66}{checked:>9,}{wrong:>7}")
    for line in ledger.bad[:20]:
        print("  ", line)
    print(f"\ndevhost's log: {log}")
    if any(wrong for _, _, wrong in rules):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
