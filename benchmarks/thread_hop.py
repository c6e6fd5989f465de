"""What handing each request to a worker thread costs: one ticket read by Atiende's synchronous door, which
the Functions Python worker (and devhost) runs on a thread pool, and by an async function over psycopg's async
pool, which the worker runs on its event loop, in the same devhost process, driven by wrk.

    .venv/bin/python benchmarks/thread_hop.py [--tickets 10000] [--seconds 5] [--rounds 3]

The async function exists only in this benchmark (it is added to the function app when this script launches
devhost): it reads the ticket with the same SELECT and answers the same JSON through the same _out, without
the door's rate limit and error mapping. It measures how much of a request's CPU the thread pool and the GIL
take, which is where the next cut in CPU per request lies, not a route of the product.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def async_read_blueprint():  # type: ignore[no-untyped-def]
    """A blueprint with GET /api/bench/async-tickets/{number}: the get, as an async function."""
    import azure.durable_functions as df
    import azure.functions as func
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool

    from blueprints._http import _caller, etag, json_response, now, problem
    from domain import bootstrap
    from domain.services.tickets import _out
    from domain.store.tickets import _SELECT, _ticket

    bp = df.Blueprint()
    kept: dict[str, object] = {}
    opening = asyncio.Lock()  # wrk's four first requests arrive together: one pool, not four

    @bp.route(route="bench/async-tickets/{number}", methods=["GET"])
    async def async_get_ticket(req: func.HttpRequest) -> func.HttpResponse:
        if "pool" not in kept:
            async with opening:
                if "pool" not in kept:
                    pool = AsyncConnectionPool(bootstrap.settings().DATABASE_URL, min_size=4, max_size=8,
                                               open=False, kwargs={"autocommit": True})
                    await pool.open()
                    with bootstrap.uow().reading() as uow:
                        kept["targets"] = uow.reference.sla_targets(fresh=True)
                    kept["pool"] = pool
        who = _caller(req)
        who.require("tickets:read")
        async with kept["pool"].connection() as conn:  # type: ignore[attr-defined]
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(_SELECT + " WHERE t.number = %s", (req.route_params["number"].upper(),))
            row = await cursor.fetchone()
        if row is None:
            return problem(404, "There is no such ticket.")
        ticket = _ticket(row)
        answer = _out(ticket, None, now(), kept["targets"])  # type: ignore[arg-type]
        return json_response(200, answer, etag(ticket.version))

    return bp


def serve(arguments: list[str]) -> int:
    """devhost with the async get added to the function app."""
    os.chdir(ROOT)
    import function_app

    function_app.app.register_functions(async_read_blueprint())
    from devhost.__main__ import main as devhost_main

    return devhost_main(arguments)


def main() -> None:
    from benchmarks.api_throughput import fill, fresh_database, start_devhost
    from benchmarks.cpu_per_request import bare_reference, drive, open_ticket_numbers, refused

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server",
                        default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = fresh_database(args.server, "atiende_bench_hop")
    fill(url, args.tickets)
    process, base = start_devhost(url, env={"RATE_LIMIT_PER_MINUTE": "0"}, launcher=[str(Path(__file__).resolve())])
    try:
        number = open_ticket_numbers(url)[0]
        ways = {"get, synchronous door (thread pool)": f"/api/tickets/{number}",
                "get, async function (event loop)": f"/api/bench/async-tickets/{number}"}
        bare = bare_reference(args.seconds)
        turns: dict[str, list[dict]] = {label: [] for label in ways}
        for _ in range(args.rounds):
            for label, path in ways.items():
                measured = drive(base, "GET", [path], None, args.seconds, process.pid, in_functions_too=False)
                if measured["refused"]:
                    raise SystemExit(refused(measured, label))
                turns[label].append(measured)
        print(f"{args.tickets:,} tickets, wrk with 4 connections for {args.seconds} s per turn, median of "
              f"{args.rounds} turns; CPU ms per request of the whole devhost process\n")
        print(f"{'way':<40}{'req/s':>10}{'CPU ms':>10}{'x bare':>8}")
        print(f"{'bare Starlette':<40}{bare['rps']:>10.0f}{bare['cpu_ms']:>10.3f}{1:>8.1f}")
        for label, measured in turns.items():
            rps = statistics.median(m["rps"] for m in measured)
            cpu = statistics.median(m["cpu_ms"] for m in measured)
            print(f"{label:<40}{rps:>10.0f}{cpu:>10.3f}{cpu / bare['cpu_ms']:>8.1f}")
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        sys.exit(serve(sys.argv[1:]))
    main()
