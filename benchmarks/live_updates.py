"""Live updates by conditional polling: CPU milliseconds per poll when nothing changed (304) and after a change
(200 with the tickets written), beside the list's first page, which is what reloading the list would cost, and
beside raw psycopg answering the same polls with the same SQL, all driven by wrk in the same run.

    .venv/bin/python benchmarks/live_updates.py [--tickets 10000] [--seconds 10]

The web app polls GET /api/changes every 2.5 s while a page is visible. With ETag/If-None-Match an unchanged
desk costs two index probes and no body; the alternative, Azure SignalR Service with the Functions bindings,
adds a service to provision and pay for, and a negotiate round trip per page, to save what this table prints.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fill, fresh_database, start_devhost  # noqa: E402
from benchmarks.cpu_per_request import PRINCIPAL, bare_reference, drive, reference_server  # noqa: E402

DATABASE = "atiende_bench_live"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    server = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    url = fresh_database(server, DATABASE)
    fill(url, args.tickets)
    with tempfile.TemporaryDirectory() as logs:
        process, base = start_devhost(url, log=Path(logs) / "devhost.log")
        raw_process, raw_base = reference_server("benchmarks.raw_psycopg_app:app", ROOT, "/api/changes",
                                                 env={"DATABASE_URL": url})
        try:
            cookie = {"StaticWebAppsAuthCookie": PRINCIPAL}
            first = httpx.get(f"{base}/api/changes", cookies=cookie).json()
            tag, latest = f'"{first["tag"]}"', first["latest"]
            bare = bare_reference(args.seconds)
            rows = []
            for label, path, headers in (
                    ("list, first page", "/api/tickets?limit=25", {}),
                    ("poll, unchanged (304)", f"/api/changes?after={latest}", {"If-None-Match": tag}),
                    ("poll, changed (200)", f"/api/changes?after={latest - 50}", {"If-None-Match": '"stale"'})):
                ours = drive(base, "GET", [path], None, args.seconds, process.pid, in_functions_too=False,
                             headers=headers)
                raw = drive(raw_base, "GET", [path], None, args.seconds, raw_process.pid, in_functions_too=False,
                            headers=headers)
                rows.append((label, ours, raw))
        finally:
            for running in (process, raw_process):
                running.terminate()
                running.wait()
    print(f"{args.tickets:,} tickets; wrk for {args.seconds} s per row; CPU ms per request of the serving process\n")
    header = f"{'request':<24}{'Atiende req/s':>15}{'Atiende CPU':>13}{'raw CPU':>10}{'Atiende/raw':>13}{'/ list page':>13}"
    print(header)
    print("-" * len(header))
    print(f"{'bare Starlette':<24}{bare['rps']:>15.0f}{bare['cpu_ms']:>13.3f}")
    page = rows[0][1]["cpu_ms"]
    for label, ours, raw in rows:
        print(f"{label:<24}{ours['rps']:>15.0f}{ours['cpu_ms']:>13.3f}{raw['cpu_ms']:>10.3f}"
              f"{ours['cpu_ms'] / raw['cpu_ms']:>13.2f}{ours['cpu_ms'] / page:>13.2f}")


if __name__ == "__main__":
    main()
