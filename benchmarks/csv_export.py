"""Exporting a list view as CSV: rows per second through the export service (keyset pages from one snapshot,
formula guard, RFC 4180 quoting, UTF-8), beside raw psycopg reading the same rows in the same run: a plain
SELECT of the same columns fetched whole, and PostgreSQL's own COPY ... TO STDOUT (CSV), the floor.

    .venv/bin/python benchmarks/csv_export.py [--tickets 100000] [--runs 3] [--reuse]

It fills a fresh `atiende_bench_export` database with the same tickets as `python -m devhost fill` (--reuse keeps
one that holds enough) and exports every ticket, newest first (the list's default sort), and the open view
sorted by caller.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fill, fresh_database  # noqa: E402
from domain import bootstrap  # noqa: E402
from domain.auth import ROLE_PERMISSIONS, Principal  # noqa: E402
from domain.schemas.tickets import ExportQuery  # noqa: E402
from domain.services.exports import export_tickets  # noqa: E402
from domain.settings import Settings  # noqa: E402
from domain.store.pool import close_pools  # noqa: E402

DATABASE = "atiende_bench_export"
AGENT = Principal("agent7@atiende.example", "user", ROLE_PERMISSIONS["agent"])
_COLUMNS = ("t.number, t.opened_at, t.short_description, coalesce(c.name, c.phone, c.email), t.priority, t.state,"
            " cat.name, g.name, t.assigned_to, t.channel, t.updated_at FROM tickets t"
            " LEFT JOIN contacts c ON c.id = t.caller_id LEFT JOIN categories cat ON cat.id = t.category_id"
            " LEFT JOIN assignment_groups g ON g.id = t.assignment_group_id")
CASES = (("all, -number", ExportQuery(sort="-number"), "", "t.id DESC"),
         ("open, caller", ExportQuery(view="open", sort="caller"), " WHERE t.state IN (1, 2, 3)",
          "t.caller_sort, t.id"))


def best(seconds: list[float]) -> float:
    return min(seconds)


async def service_export(settings: Settings, query: ExportQuery) -> tuple[float, int, int]:
    started = time.perf_counter()
    export = await export_tickets(query, AGENT, datetime.now(UTC), settings, bootstrap.uow(settings))
    return time.perf_counter() - started, export.rows, len(export.body)


def raw_select(url: str, where: str, order: str, limit: int) -> tuple[float, int]:
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        rows = conn.execute(f"SELECT {_COLUMNS}{where} ORDER BY {order} LIMIT %s", (limit,)).fetchall()
        return time.perf_counter() - started, len(rows)


def raw_copy(url: str, where: str, order: str, limit: int) -> tuple[float, int]:
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        size = 0
        with cursor.copy(f"COPY (SELECT {_COLUMNS}{where} ORDER BY {order} LIMIT {int(limit)}) TO STDOUT"
                         " WITH (FORMAT csv, HEADER)") as copy:
            for block in copy:
                size += len(block)
        return time.perf_counter() - started, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    server = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    url = psycopg.conninfo.make_conninfo(server, dbname=DATABASE)
    if args.reuse:
        with psycopg.connect(url) as conn:
            have = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        assert have >= args.tickets, f"{DATABASE} holds {have} tickets"
    else:
        url = fresh_database(server, DATABASE)
        started = time.perf_counter()
        fill(url, args.tickets)
        print(f"filled {args.tickets} tickets in {time.perf_counter() - started:.0f} s")
    settings = Settings(DATABASE_URL=url, SEED_DEMO_DATA=False, EXPORT_MAX_ROWS=max(args.tickets, 1))

    async def measure() -> list[tuple[str, float, int, int, float, float]]:
        results = []
        for name, query, where, order in CASES:
            await service_export(settings, query)  # warm: the pool, the plan cache, the pages in memory
            runs = [await service_export(settings, query) for _ in range(args.runs)]
            seconds, rows, size = best([r[0] for r in runs]), runs[0][1], runs[0][2]
            select = best([raw_select(url, where, order, rows)[0] for _ in range(args.runs)])
            copy = best([raw_copy(url, where, order, rows)[0] for _ in range(args.runs)])
            results.append((name, seconds, rows, size, select, copy))
        await close_pools()
        return results

    print(f"\n| export ({args.tickets:,} tickets) | rows | MB | service rows/s | raw SELECT rows/s | COPY csv rows/s "
          "| service / COPY |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, seconds, rows, size, select, copy in asyncio.run(measure()):
        print(f"| {name} | {rows:,} | {size / 1e6:.1f} | {rows / seconds:,.0f} | {rows / select:,.0f} | "
              f"{rows / copy:,.0f} | {seconds / copy:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
