"""Time to the first rendered row of the list and to the drawn dashboard, in Chromium, with 10,000 and with
1,000,000 tickets in the database; beside each, the API answer alone (httpx) and raw psycopg running the
queries behind it, measured in the same run.

    .venv/bin/python benchmarks/browser_first_row.py [--sizes 10000 1000000] [--runs 7]

Each size gets a fresh `atiende_bench_browser` database filled by `python -m devhost fill` (a million tickets
take a few minutes) and its own devhost. Every browser run loads the page from scratch (about:blank between
runs), so module loading and sign-in cookies count as an agent would feel them.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import httpx
import psycopg
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fresh_database, start_devhost  # noqa: E402
from devhost.fill import fill  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PAGES = {"list": ("/#/tickets?view=all", "tbody tr", "/api/tickets?view=all&limit=25"),
         "dashboard": ("/#/dashboard", ".per-day svg rect", "/api/dashboard?tz=UTC")}
RAW = {
    "list": ["SELECT t.id, t.number, t.short_description FROM tickets t ORDER BY t.number DESC LIMIT 25",
             "SELECT count(*) FROM tickets"],
    "dashboard": ["SELECT priority, state, assignment_group_id, count(*) FROM tickets WHERE state IN (1, 2, 3)"
                  " GROUP BY 1, 2, 3",
                  "SELECT opened_at::date, count(*) FROM tickets WHERE opened_at >= now() - interval '30 days' GROUP BY 1",
                  "SELECT resolved_at::date, count(*) FROM tickets WHERE resolved_at >= now() - interval '30 days'"
                  " GROUP BY 1"],
}


def ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def measure(size: int, runs: int, server: str) -> list[tuple]:
    url = fresh_database(server, "atiende_bench_browser")
    seconds = fill(url, size, progress=lambda _: None)
    print(f"filled {size:,} tickets in {seconds:.0f} s", flush=True)
    process, base = start_devhost(url)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            page = browser.new_context(base_url=base).new_page()
            page.goto("/")
            page.fill("input[name=user]", "bench@atiende.example")
            page.click("button[type=submit]")
            page.wait_for_selector("#user:has-text('bench@atiende.example')")
            cookies = {c["name"]: c["value"] for c in page.context.cookies()}
            with httpx.Client(base_url=base, cookies=cookies, timeout=60) as api, psycopg.connect(url) as raw:
                for name, (where, ready, endpoint) in PAGES.items():
                    shown, answered, queried = [], [], []
                    for run in range(runs + 1):  # the first run warms caches and is not counted
                        page.goto("about:blank")
                        started = time.perf_counter()
                        page.goto(where)
                        page.wait_for_selector(ready)
                        browser_s = time.perf_counter() - started
                        started = time.perf_counter()
                        assert api.get(endpoint).status_code == 200
                        api_s = time.perf_counter() - started
                        started = time.perf_counter()
                        for sql in RAW[name]:
                            raw.execute(sql).fetchall()
                        raw_s = time.perf_counter() - started
                        if run:
                            shown.append(browser_s)
                            answered.append(api_s)
                            queried.append(raw_s)
                    rows.append((size, name, *ms(shown), *ms(answered), ms(queried)[0]))
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    rows = [row for size in args.sizes for row in measure(size, args.runs, server)]
    header = (f"{'tickets':>10}  {'page':<10}{'first row p50':>14}{'p95':>8}{'API p50':>9}{'p95':>8}"
              f"{'raw SQL p50':>12}{'browser/API':>12}")
    print("\n" + header + "\n" + "-" * len(header))
    for size, name, shown, shown95, api, api95, raw in rows:
        print(f"{size:>10,}  {name:<10}{shown:>12.0f}ms{shown95:>6.0f}ms{api:>7.0f}ms{api95:>6.0f}ms"
              f"{raw:>10.1f}ms{shown / api:>11.1f}x")


if __name__ == "__main__":
    main()
