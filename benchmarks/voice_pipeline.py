"""Phone calls through devhost with the local providers: how soon a caller hears the ticket number, calls turned
into tickets per minute with concurrent callers, time per pipeline step, and the durable overhead per activity
beside the same step called as a bare function in this process.

    .venv/bin/python benchmarks/voice_pipeline.py [--calls 10] [--concurrent 20] [--labelled 600]

Creates a fresh `atiende_bench_voice` database with a labelled history (the generated `synthetic` desk of
benchmarks/datasets.py, indexed in the search-capable Redis and learned from, so that analyze_call runs the trained
classifier and the calibrated blend), and starts devhost on it (no Twilio account, no AI provider: Twilio's live
transcript stands and the SMS is kept, not sent). The call simulator plays Twilio, pauses and
all. The machines are noisy: read the ratios, not the absolute numbers.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fresh_database, start_devhost  # noqa: E402
from benchmarks.datasets import split, synthetic_desk  # noqa: E402
from benchmarks.evaluate_search import REDIS_URL, build  # noqa: E402
from devhost.call import CallSimulator  # noqa: E402

THINGS = ["la impresora", "el proyector", "la VPN", "el correo", "el escáner", "la wifi", "el ERP", "el teléfono",
          "la pantalla", "el portátil"]


def problem(i: int) -> str:
    """A different problem for each caller (made-up words), so that every call opens its own ticket rather than
    joining another's as the same problem."""

    def name(n: int) -> str:
        letters = ""
        for _ in range(4):
            n, r = divmod(n, 26)
            letters += chr(ord("a") + r)
        return letters

    # Templated sentences would share their template's words, which is what the duplicate check looks at.
    return f"{THINGS[i % len(THINGS)].capitalize()} {name(3 * i)} {name(3 * i + 1)} {name(3 * i + 2)} falla"


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def place_call(base: str, i: int) -> Any:
    return CallSimulator(base, f"+3461{i:07d}", problem(i), language="es").run(wait=True)


def step_times(url: str, sids: set[str]) -> tuple[dict[str, list[float]], list[float]]:
    """Seconds from each activity's scheduling to its completion, by activity, read from devhost's history;
    and each orchestration's whole run."""
    per_step: dict[str, list[float]] = defaultdict(list)
    whole: list[float] = []
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT instance_id, event FROM devhost_durable_history ORDER BY seq").fetchall()
    by_instance: dict[str, list[dict]] = defaultdict(list)
    for instance, event in rows:
        by_instance[instance].append(event)

    def at(event: dict) -> datetime:
        return datetime.strptime(event["Timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)

    for instance, events in by_instance.items():
        if instance not in sids:
            continue
        scheduled = {e["EventId"]: e for e in events if e["EventType"] == 4}
        for done in (e for e in events if e["EventType"] == 5):
            start = scheduled[done["TaskScheduledId"]]
            per_step[start["Name"]].append((at(done) - at(start)).total_seconds())
        whole.append((at(events[-1]) - at(events[0])).total_seconds())
    return per_step, whole


def bare_times(url: str, count: int) -> dict[str, list[float]]:
    """The same steps, on new calls, called one after another as plain functions in this process."""
    os.environ["DATABASE_URL"] = url
    from devhost.loop import on_background_loop
    from domain import bootstrap
    from domain.analysis import Analysis
    from domain.calls import Call
    from domain.services import pipeline

    async def start_call(uow: Any, call: Call) -> None:
        async with uow:
            await uow.calls.start(call)
            await uow.commit()

    bootstrap.get_settings.cache_clear()
    times: dict[str, list[float]] = defaultdict(list)
    settings = bootstrap.services().settings

    async def suggest(short_description: str, description: str) -> dict[str, Any]:
        """The learned triage, as the analyze_call activity runs it."""
        from domain.services import similar

        return await similar.triage(short_description, description, settings, bootstrap.uow(), bootstrap.services().embedder,
                                    bootstrap.services().vector_index, bootstrap.services().triager, bootstrap.services().triage_models)

    def timed(name: str, step: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = step()
        times[name].append(time.perf_counter() - start)
        return result

    for i in range(5000, 5000 + count):
        sid, now = "CA" + uuid.uuid4().hex, datetime.now(UTC)
        on_background_loop(start_call(bootstrap.uow(), Call(sid=sid, from_phone=f"+3461{i:07d}", locale="es-ES", started_at=now,
                                                 intent="report", speech_text=problem(i), speech_confidence=0.9)))
        timed("begin_call_pipeline", lambda: on_background_loop(pipeline.begin(sid, now, bootstrap.uow())))
        facts = Analysis(**timed("analyze_call", lambda: on_background_loop(pipeline.analyze_call(
            sid, now, settings, bootstrap.uow(), bootstrap.services().analyzer, suggest))))
        found = timed("find_same_problem", lambda: on_background_loop(pipeline.find_same_problem(
            sid, facts, now, bootstrap.uow(), bootstrap.services().duplicate_finder)))
        timed("create_or_join", lambda: on_background_loop(pipeline.create_or_join(
            sid, facts, found, now, settings, bootstrap.uow(), bootstrap.services().duplicate_finder)))
        timed("notify_caller", lambda: on_background_loop(pipeline.notify_caller(sid, now, bootstrap.uow(), bootstrap.services().telephony)))
        timed("improve_ticket", lambda: on_background_loop(pipeline.improve_ticket(sid, now, settings, bootstrap.uow(),
                                                                        bootstrap.services().analyzer)))
        timed("finish_call_pipeline", lambda: on_background_loop(pipeline.finish(sid, "completed", now, bootstrap.uow())))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--calls", type=int, default=10, help="calls one after another, for the caller's wait")
    parser.add_argument("--concurrent", type=int, default=20, help="callers at once, for calls per minute")
    parser.add_argument("--labelled", type=int, default=600, help="labelled tickets learned from before the calls "
                                                                  "(0: a new desk, where triage falls back to the rules)")
    args = parser.parse_args()

    if args.labelled:
        history, _ = split(synthetic_desk())
        *_, url = build(args.server, history[:args.labelled], "atiende_bench_voice", "benchvoice")
        learned = {"REDIS_URL": REDIS_URL, "REDIS_NAMESPACE": "benchvoice", "EMBEDDING_PROVIDER": "local"}
    else:
        url, learned = fresh_database(args.server, "atiende_bench_voice"), {}
    process, base = start_devhost(url, env=learned)
    try:
        place_call(base, 0)  # warm-up: the first call loads what every later one reuses
        one_by_one = [place_call(base, i) for i in range(1, args.calls + 1)]
        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrent) as pool:
            together = list(pool.map(lambda i: place_call(base, i), range(1000, 1000 + args.concurrent)))
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=10)

    results = one_by_one + together
    assert all(r.call and r.call["pipeline"]["status"] == "completed" for r in results), "a call did not finish"
    assert len({r.call["ticket"] for r in results}) == len(results), "calls about different problems shared a ticket"

    print(f"Phone calls through devhost, local providers, {args.labelled} labelled tickets learned from; "
          f"{args.calls} calls one by one, then {args.concurrent} at once\n")
    print(f"{'caller hears the number after speaking':<44}{'p50 s':>8}{'p95 s':>8}{'max s':>8}   goal")
    for label, batch in (("one caller at a time", one_by_one), (f"{args.concurrent} callers at once", together)):
        waits = [r.seconds_to_number for r in batch if r.seconds_to_number is not None]
        assert len(waits) == len(batch), "a caller did not hear their ticket number"
        print(f"  {label:<42}{percentile(waits, 50):>8.2f}{percentile(waits, 95):>8.2f}{max(waits):>8.2f}   < 3 s")
    print(f"\n{args.concurrent} concurrent calls became {args.concurrent} tickets in {elapsed:.1f} s: "
          f"{args.concurrent / elapsed * 60:.0f} calls -> tickets per minute (each call includes the caller's "
          f"menu, the recording callback and the whole pipeline)\n")

    alone, _ = step_times(url, {r.sid for r in one_by_one})
    crowded, whole = step_times(url, {r.sid for r in together})
    bare = bare_times(url, args.calls)
    header = (f"{'pipeline step (p50 ms)':<24}{'bare call':>11}{'durable, alone':>16}{'overhead':>10}"
              f"{f'durable, {args.concurrent} at once':>22}{'overhead':>10}")
    print(header)
    print("-" * len(header))
    for name in ("begin_call_pipeline", "analyze_call", "find_same_problem", "create_or_join", "notify_caller",
                 "store_recording", "transcribe_recording", "improve_ticket", "finish_call_pipeline"):
        reference = percentile(bare[name], 50) * 1000 if name in bare else None
        cells = f"{reference:>11.2f}" if reference is not None else f"{'—':>11}"
        for runs, width in ((alone.get(name), 16), (crowded.get(name), 22)):
            p50 = percentile(runs, 50) * 1000
            cells += f"{p50:>{width}.1f}" + (f"{p50 - reference:>10.1f}" if reference is not None else f"{'':>10}")
        print(f"{name:<24}{cells}")
    print(f"\nwhole orchestration with {args.concurrent} at once, start to finish (includes waiting for the recording callback): "
          f"p50 {percentile(whole, 50):.2f} s, p95 {percentile(whole, 95):.2f} s")
    print("bare call = the step's domain function called in this process; durable = from the orchestrator scheduling "
          "the activity to devhost recording its result (the call plus queueing, history writes and replay); "
          "store_recording and transcribe_recording have no bare run: they need the recording server of a live call")


if __name__ == "__main__":
    main()
