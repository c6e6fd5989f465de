"""What handing each request to a worker thread costs: one ticket read by Atiende's own door, an async function
that the Functions Python worker (and devhost) runs on its event loop over psycopg's async pool, and by the same
service behind a synchronous door, which the worker runs on its thread pool over the synchronous pool, in the
same devhost process, driven by wrk.

    .venv/bin/python benchmarks/thread_hop.py [--tickets 10000] [--seconds 5] [--rounds 3]

The synchronous door exists only in this benchmark (it is added to the function app when this script launches
devhost): the same endpoint wrapper, the same service and the same answer, run the way every door ran before
the doors that are only PostgreSQL became async. It measures what the thread pool and the GIL cost a request.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def sync_read_blueprint():  # type: ignore[no-untyped-def]
    """A blueprint with GET /api/bench/sync-tickets/{number}: the get, as a synchronous door."""
    import azure.durable_functions as df
    import azure.functions as func

    from blueprints._http import endpoint, etag, json_response, now
    from domain import bootstrap
    from domain.auth import Principal
    from domain.services import tickets
    from domain.store.statements import run_now

    bp = df.Blueprint()

    @bp.route(route="bench/sync-tickets/{number}", methods=["GET"])
    @endpoint("tickets:read")
    def sync_get_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
        ticket = run_now(tickets.get_ticket(req.route_params["number"], now(), bootstrap.uow()))
        return json_response(200, ticket, etag(ticket.version))

    return bp


def serve(arguments: list[str]) -> int:
    """devhost with the synchronous get added to the function app."""
    os.chdir(ROOT)
    import function_app

    function_app.app.register_functions(sync_read_blueprint())
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
        ways = {"get, synchronous door (thread pool)": f"/api/bench/sync-tickets/{number}",
                "get, async door (event loop)": f"/api/tickets/{number}"}
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
