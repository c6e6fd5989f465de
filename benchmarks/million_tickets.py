"""One page of the list at a million tickets: every sortable column both ways, every view, search by words, by
caller and by (partial) number, searches as people type them (accents aside, compounds joined, runs of digits
of numbers and phones), the common filters, a second page, and the dashboard, each beside the default page
measured in the same run. The goal is every row within 10x of the default page. Then it changes open tickets as
a busy day would and times the word searches again, beside their times before.

    .venv/bin/python benchmarks/million_tickets.py [--tickets 1000000] [--runs 5] [--reuse] [--changes 20000]
        [--database atiende_bench_million]

It fills a fresh `atiende_bench_million` database (or --database) with `python -m devhost fill` (a million
tickets take a few minutes; --reuse keeps one that already holds that many), starts devhost on it and asks the
API over HTTP as an agent would. Beside the default page it times raw psycopg reading the same 26 rows, for the
floor under it all.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fresh_database, start_devhost  # noqa: E402
from devhost.fill import fill  # noqa: E402
from domain.store.migrations import migrate  # noqa: E402
from domain.store.tickets import SORT_COLUMNS  # noqa: E402

DATABASE = "atiende_bench_million"
AGENT = "agent7@atiende.example"  # one of the filler's agents, so "mine" has tickets


# Searches the word-search index answers; timed again after a busy day's changes.
WORD_SEARCHES: list[tuple[str, dict]] = [
    ("q=impresora", {"q": "impresora"}), ("q=printer jams", {"q": "printer jams"}),
    ("q=contraseña caducado", {"q": "contraseña caducado"}),
    ("q=impresora, sort caller", {"q": "impresora", "sort": "caller"}),
    ("q=0019 (digits of numbers)", {"q": "0019"}),
]
# Searches as people type them (migration 013). The filler's callers have no González, so "gonzalez" is a miss
# (which must be fast too) and "garcia" the same search with matches; callers i % 3 == 0 are +1415555 and i.
AS_TYPED: list[tuple[str, dict]] = [
    ("q=gonzalez (no accent, no match)", {"q": "gonzalez"}), ("q=garcia (García, no accent)", {"q": "garcia"}),
    ("q=GARCIA", {"q": "GARCIA"}), ("q=contrasena (contraseña)", {"q": "contrasena"}),
    ("q=19 (two digits of numbers)", {"q": "19"}), ("q=5550135 (phone run)", {"q": "5550135"}),
    ("q=555 0135 (phone run, spaced)", {"q": "555 0135"}), ("q=0135 (phones and numbers)", {"q": "0135"}),
    ("q=wifi", {"q": "wifi"}), ("q=Wi-Fi", {"q": "Wi-Fi"}), ("q=wifi, sort caller", {"q": "wifi", "sort": "caller"}),
]


def pages(number_in_the_middle: str) -> list[tuple[str, dict]]:
    asked: list[tuple[str, dict]] = [("default (-number)", {})]
    for column in SORT_COLUMNS:
        asked += [(f"sort {column}", {"sort": column}), (f"sort -{column}", {"sort": f"-{column}"})]
    asked += [(f"view {view}", {"view": view}) for view in ("mine", "unassigned", "open", "resolved")]
    asked += [(f"view open, sort {s}", {"view": "open", "sort": s}) for s in ("-updated_at", "caller", "-priority")]
    digits = str(int(number_in_the_middle[3:]))
    asked += WORD_SEARCHES + AS_TYPED + [
        ("q=wifi lent (prefixes)", {"q": "wifi lent"}),
        ("q=García (caller)", {"q": "García"}), ("q=Lucía García (caller)", {"q": "Lucía García"}),
        (f"q={digits} (partial number)", {"q": digits}), (f"q={number_in_the_middle}", {"q": number_in_the_middle}),
        ("q=zzzz (nothing)", {"q": "zzzz"}),
        ("group=Redes", {"assignment_group": "Redes"}), ("category=Hardware", {"category": "Hardware"}),
        ("priority=1", {"priority": 1}), ("state=on_hold", {"state": "on_hold"}),
        ("group=Redes, sort -updated_at", {"assignment_group": "Redes", "sort": "-updated_at"}),
        (f"assigned_to={AGENT}", {"assigned_to": AGENT}),
    ]
    return asked


def timed(call, runs: int) -> float:
    call()  # the first answer warms the caches an agent's second page would find warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def database(server: str, name: str, tickets: int, reuse: bool) -> str:
    url = psycopg.conninfo.make_conninfo(server, dbname=name)
    if reuse:
        try:
            with psycopg.connect(url) as conn:
                held = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
            if held >= tickets:
                migrate(url)
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("VACUUM ANALYZE tickets")
                print(f"reusing {name} with {held:,} tickets", flush=True)
                return url
        except psycopg.OperationalError:
            pass
    url = fresh_database(server, name)
    print(f"filled {tickets:,} tickets in {fill(url, tickets, progress=lambda _: None):.0f} s", flush=True)
    return url


def busy_day(url: str, changes: int) -> int:
    """Change open tickets `changes` times, as a desk's agents do all day (in SQL, for speed: the indexes see a
    new row version however it is made), and answer how many tickets' word-search entries are left pending."""
    with psycopg.connect(url, autocommit=True) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM tickets WHERE state IN (1, 2) ORDER BY id DESC LIMIT 500")]
        with conn.cursor() as cursor:
            cursor.executemany("UPDATE tickets SET updated_at = now(), version = version + 1 WHERE id = %s",
                               [(ids[i % len(ids)],) for i in range(changes)])
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        return conn.execute("SELECT pending_tuples FROM pgstatginindex('tickets_search_idx')").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--database", default=DATABASE, help="the database to fill (or reuse) on the server")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--changes", type=int, default=20_000, help="changes made before word searches are timed again")
    args = parser.parse_args()

    url = database(args.server, args.database, args.tickets, args.reuse)
    with psycopg.connect(url) as conn:
        middle = conn.execute("SELECT number FROM tickets ORDER BY id OFFSET %s LIMIT 1", (args.tickets // 2,)).fetchone()[0]
    process, base = start_devhost(url)
    principal = base64.b64encode(json.dumps({"userDetails": AGENT, "userRoles": ["authenticated", "agent"]}).encode())
    client = httpx.Client(base_url=base, cookies={"StaticWebAppsAuthCookie": principal.decode()}, timeout=120)

    def page(params: dict):
        def call():
            response = client.get("/api/tickets?" + urlencode({"limit": 25, **params}))
            assert response.status_code == 200, response.text
            return response.json()
        return call

    try:
        with psycopg.connect(url) as conn:
            raw = timed(lambda: conn.execute(
                "SELECT t.*, c.name FROM tickets t LEFT JOIN contacts c ON c.id = t.caller_id"
                " ORDER BY t.id DESC LIMIT 26").fetchall(), args.runs)
        default = timed(page({}), args.runs)
        print(f"\n{args.tickets:,} tickets, median of {args.runs} answers over HTTP after one warm-up\n")
        header = f"{'page':<40}{'ms':>9}{'x default':>11}{'rows':>7}{'total':>12}"
        print(header)
        print("-" * len(header))
        print(f"{'raw psycopg, newest 26 rows':<40}{raw:>9.1f}{raw / default:>11.2f}")
        worst = 0.0
        took: dict[str, float] = {}
        for label, params in pages(middle):
            answer = page(params)()
            ms = took[label] = default if label.startswith("default") else timed(page(params), args.runs)
            worst = max(worst, ms / default)
            total = f"{'~' if answer.get('total_is_estimate') else ''}{answer['total']:,}"
            print(f"{label:<40}{ms:>9.1f}{ms / default:>11.2f}{len(answer['items']):>7}{total:>12}", flush=True)
            if answer["next_cursor"] and label.startswith("sort "):
                second = timed(page({**params, "cursor": answer["next_cursor"]}), args.runs)
                worst = max(worst, second / default)
                print(f"{'  its second page':<40}{second:>9.1f}{second / default:>11.2f}", flush=True)
        dashboard = timed(lambda: client.get("/api/dashboard?tz=Europe/Madrid").raise_for_status(), args.runs)
        print(f"{'dashboard':<40}{dashboard:>9.1f}{dashboard / default:>11.2f}")
        print(f"\nslowest list page: {worst:.1f}x the default page")

        pending = busy_day(url, args.changes)
        print(f"\nword searches after {args.changes:,} changes to open tickets ({pending:,} tickets' entries left"
              " pending for searches to read)\n")
        header = f"{'page':<40}{'fresh ms':>9}{'after':>9}{'x fresh':>9}{'x default':>11}"
        print(header)
        print("-" * len(header))
        for label, params in WORD_SEARCHES:
            ms = timed(page(params), args.runs)
            print(f"{label:<40}{took[label]:>9.1f}{ms:>9.1f}{ms / took[label]:>9.2f}{ms / default:>11.2f}", flush=True)
    finally:
        process.terminate()


if __name__ == "__main__":
    main()
