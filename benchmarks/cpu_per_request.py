"""CPU milliseconds the app process spends per request, for each API operation, driven by wrk.

On Flex Consumption the CPU a request burns is what the customer pays for. wrk is a C load generator in a
process of its own, so the server's process does only the server's work; its user and system time (from
/proc) divided by the requests wrk completed is the cost of one request. Beside them, the same measure of a
bare Starlette app on uvicorn answering a constant, taken in the same run: the floor under any Python answer.
For every operation but a create, also raw psycopg (raw_psycopg_app.py): Starlette making the same round trips
on the same tickets and answering the rows as JSON, measured in each round right after this checkout's turn,
with this checkout's ratio to it: what Atiende's sign-in, rules, models and devhost cost on top of its queries.
Each row also gives the CPU spent inside the function itself (benchmarks/measured_devhost.py counts it), which
is Atiende's own code: the rest is uvicorn and devhost's emulation of Static Web Apps and the Functions host,
which on Azure are the platform's. Only a synchronous function's is counted (on its worker thread): an async
door shares the event loop's thread with everything else, and following it step by step cost more CPU than
the difference it would show, so its column is "—" and the process's CPU is the measure.

    .venv/bin/python benchmarks/cpu_per_request.py [--tickets 10000] [--seconds 10] [--profile OPERATION]
                                                   [--against REVISION] [--rounds 3]

--against measures another revision of Atiende too (checked out with `git worktree`, on a database of its own
migrated by its own code), taking turns with this one (which goes first alternates by round), and prints both
and their ratio: before and after, the median of each round's ratio with the lowest and highest beside it.

--profile samples devhost with py-spy (the thread holding the GIL) while wrk drives one operation, and prints
where its CPU went: the functions holding the most samples, with and without what they call.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fill, free_port, fresh_database, start_devhost  # noqa: E402

CONNECTIONS = 4
PRINCIPAL = base64.b64encode(json.dumps({"userDetails": "bench@example.com",
                                         "userRoles": ["authenticated", "agent"]}).encode()).decode()
BARE_APP = textwrap.dedent("""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def answer(request):
        return JSONResponse({"number": "INC0010001", "state": "new"})

    app = Starlette(routes=[Route("/api/bare", answer)])
""")


# The operations raw_psycopg_app.py answers too: the same round trips with none of Atiende's own work.
RAW_OPERATIONS = {"get a ticket", "update a ticket", "comment", "comment, one busy ticket", "list, first page",
                  "search words"}

# Writes spread over this many open tickets, as a desk's agents do; "one busy ticket" has four at once on one.
SPREAD = 200


def operations(numbers: list[str]) -> list[tuple[str, str, list[str], dict | list[dict] | None]]:
    """(label, method, paths to take turns with, JSON body or bodies to take turns with) for each operation
    measured; `numbers` are open tickets, the first of them the one read and the busy one."""
    spread = [f"/api/tickets/{n}" for n in numbers]
    return [
        ("get a ticket", "GET", spread[:1], None),
        # Words the search below does not look for: thousands of new tickets, more of them on the faster side,
        # would otherwise change what it finds from one side to the other. Each create's text is its own ({n}:
        # the run and the request), as agents' are: the same text every time would be embedded once and then
        # answered from the embedding cache, hiding the model's cost.
        ("create a ticket", "POST", ["/api/tickets"], {"short_description": "El monitor del puesto {n} parpadea",
                                                       "description": "Cambié el cable {n} y sigue igual", "impact": 2}),
        # Taking turns, so that every update changes its ticket: the same value again would write nothing.
        ("update a ticket", "PATCH", spread, [{"urgency": 2}, {"urgency": 3}]),
        ("comment", "POST", [f"{path}/comments" for path in spread], {"body": "Llamé al usuario"}),
        ("comment, one busy ticket", "POST", [f"{spread[0]}/comments"], {"body": "Llamé al usuario"}),
        ("list, first page", "GET", ["/api/tickets?limit=25"], None),
        ("search words", "GET", ["/api/tickets?q=impresora&limit=25"], None),
    ]


def wrk_script(method: str, paths: list[str], body: dict | list[dict] | None,
               headers: dict[str, str] | None = None) -> str:
    """A wrk Lua script sending the agent's cookie, and the method of the operation to its paths in turn, with
    its body (or the next of its bodies each time round the paths), where "{n}" becomes words no other request
    of any run has sent."""
    bodies = [] if body is None else body if isinstance(body, list) else [body]
    lines = [f'wrk.method = "{method}"', f'wrk.headers["Cookie"] = "StaticWebAppsAuthCookie={PRINCIPAL}"',
             "paths = {" + ", ".join(json.dumps(p) for p in paths) + "}",
             "bodies = {" + ", ".join(json.dumps(json.dumps(b)) for b in bodies) + "}", "sent = 0",
             f'run = "{uuid.uuid4().hex[:8]}"',
             "function request()", "  local path = paths[sent % #paths + 1]",
             "  local body = #bodies > 0 and bodies[math.floor(sent / #paths) % #bodies + 1] or nil",
             '  if body then body = string.gsub(body, "{n}", run .. "n" .. sent) end',
             "  sent = sent + 1", "  return wrk.format(nil, path, nil, body)", "end"]
    if bodies:
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    if method == "PATCH":
        lines.append('wrk.headers["If-Match"] = "*"')
    lines += [f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}" for name, value in (headers or {}).items()]
    # The first few refused answers are printed whole, so a failed run says why.
    lines += ["shown = 0", "function response(status, headers, body)",
              "  if status >= 300 and shown < 3 then shown = shown + 1; io.write(status, ' ', body, '\\n') end",
              "end"]
    return "\n".join(lines) + "\n"


def cpu_seconds(pid: int) -> float:
    """User plus system time of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def function_cpu_seconds(url: str) -> tuple[int, float]:
    """Synchronous function invocations and the CPU seconds spent inside them so far, as measured_devhost.py
    counts them."""
    base = url.split("/api/", 1)[0]
    counted = httpx.get(f"{base}/__function_cpu", timeout=5).json()
    return counted["invocations"], counted["cpu_seconds"]


def drive(url: str, method: str, paths: list[str], body: dict | list[dict] | None, seconds: int, pid: int,
          in_functions_too: bool = True, headers: dict[str, str] | None = None) -> dict:
    """wrk sending `method` to the paths of `url` for `seconds`: requests per second and CPU ms per request."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(method, paths, body, headers))
    calls, in_functions = function_cpu_seconds(url) if in_functions_too else (0, 0.0)
    before = cpu_seconds(pid)
    out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", script.name, url],
                         capture_output=True, text=True, check=True).stdout
    used = cpu_seconds(pid) - before
    if in_functions_too:
        calls_after, in_functions_after = function_cpu_seconds(url)
        calls, in_functions = calls_after - calls, in_functions_after - in_functions
    os.unlink(script.name)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests": requests, "rps": requests / seconds, "cpu_ms": used * 1000 / requests,
            # An async door runs on the event loop, where its own CPU cannot be told from the loop's: none.
            "function_ms": in_functions * 1000 / requests if calls else None, "refused": int(failed.group(1)) if failed else 0,
            "wrk": out}


def _median(values: list[float | None]) -> float | None:
    return None if None in values else statistics.median(values)  # type: ignore[type-var]


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def refused(measured: dict, what: str) -> str:
    return f"{measured['refused']} of {measured['requests']} answers to {what} were not 2xx:\n{measured['wrk']}"


def reference_server(app: str, cwd: Path, probe: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """`app` (module:attribute) on uvicorn in a process of its own, once it answers `probe`: a reference to
    measure beside devhost."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", app, "--port", str(port), "--log-level", "warning"],
                               cwd=cwd, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(base + probe, timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app} did not start")


def bare_reference(seconds: int) -> dict:
    """The same measure of a bare Starlette app on uvicorn answering a constant."""
    folder = Path(tempfile.mkdtemp())
    (folder / "bare_app.py").write_text(BARE_APP)
    process, base = reference_server("bare_app:app", folder, "/api/bare")
    try:
        return drive(base, "GET", ["/api/bare"], None, seconds, process.pid, in_functions_too=False)
    finally:
        process.terminate()
        process.wait()
        shutil.rmtree(folder)


def profile(url: str, method: str, paths: list[str], body: dict | list[dict] | None, seconds: int, pid: int,
            shown: int = 40) -> None:
    """Sample the process while wrk drives it, then print the functions holding the most samples."""
    stacks = Path(tempfile.mkdtemp()) / "stacks.txt"
    sampler = subprocess.Popen([shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy"), "record",
                                "--pid", str(pid), "--duration", str(seconds), "--rate", "250", "--format", "raw", "--gil",
                                "--output", str(stacks), "--nonblocking"], stdout=subprocess.DEVNULL)
    time.sleep(1)  # let the sampler attach before the load starts
    measured = drive(url, method, paths, body, seconds - 1, pid)
    sampler.wait()
    if measured["refused"]:
        raise SystemExit(refused(measured, f"{method} {paths[0]}"))
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in stacks.read_text().splitlines():
        frames, count = line.rsplit(" ", 1)
        frames_list = [f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0].rsplit("/", 1)[-1] + ")"
                       if " (" in f else f for f in frames.split(";")]
        total += int(count)
        for frame in set(frames_list):
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
        own[frames_list[-1]] = own.get(frames_list[-1], 0) + int(count)
    print(f"{measured['cpu_ms']:.3f} CPU ms per request, {total} samples\n")
    for title, table in (("with what it calls", inclusive), ("itself", own)):
        print(f"share  function ({title})")
        for frame, count in sorted(table.items(), key=lambda kv: -kv[1])[:shown]:
            print(f"{100 * count / total:5.1f}  {frame}")
        print()


def open_ticket_numbers(url: str) -> list[str]:
    with psycopg.connect(url) as conn:  # open tickets, which updates and comments may change
        return [row[0] for row in conn.execute("SELECT number FROM tickets WHERE state IN (1, 2) ORDER BY id DESC"
                                               " LIMIT %s", (SPREAD,))]


def other_revision(revision: str, server: str, tickets: int) -> tuple[Path, str, str]:
    """A checkout of `revision`, the Python to run it with, and a database its own migrations made, filled
    like ours."""
    folder = Path(tempfile.mkdtemp(prefix="atiende-before-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(folder), revision], cwd=ROOT, check=True,
                   capture_output=True)
    python = python_for(folder)
    admin = psycopg.conninfo.make_conninfo(server, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "atiende_bench_cpu_before" WITH (FORCE)')
        conn.execute('CREATE DATABASE "atiende_bench_cpu_before"')
    url = psycopg.conninfo.make_conninfo(server, dbname="atiende_bench_cpu_before")
    subprocess.run([python, "-m", "devhost", "migrate"], cwd=folder, env={**os.environ, "DATABASE_URL": url},
                   check=True, capture_output=True)
    fill(url, tickets)
    return folder, url, python


def python_for(folder: Path) -> str:
    """Our Python when the checkout in `folder` asks for the same packages; otherwise one of its own (kept in
    .data/ by what it asks for), so that a dependency added since is measured as part of the change."""
    def asked(root: Path) -> bytes:
        return b"".join((root / name).read_bytes() for name in ("requirements.txt", "requirements-dev.txt"))
    if asked(folder) == asked(ROOT):
        return sys.executable
    venv = ROOT / ".data" / f"bench-venv-{hashlib.sha256(asked(folder)).hexdigest()[:12]}"
    if not (venv / "bin" / "python").exists():
        print(f"making {venv.name} for the other revision's requirements", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "-r", str(folder / "requirements-dev.txt")],
                       check=True)
    return str(venv / "bin" / "python")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--profile", help="label of one operation to profile instead of measuring all")
    parser.add_argument("--against", help="a git revision to measure beside this checkout")
    parser.add_argument("--rounds", type=int, default=3, help="turns each checkout takes per operation")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: scripts/setup installs it")

    url = fresh_database(args.server, "atiende_bench_cpu")
    fill(url, args.tickets)
    # Rate limiting stays on, as shipped, with a bucket no benchmark empties: its Redis call is part of the cost.
    limits = {"RATE_LIMIT_PER_MINUTE": "1000000", "RATE_LIMIT_BURST": "100000"}
    logs = Path(tempfile.mkdtemp(prefix="atiende-cpu-logs-"))  # what each devhost logged, for a refused answer
    hosts = {"after": start_devhost(url, env=limits, count_function_cpu=True, log=logs / "after.log")
             + (open_ticket_numbers(url),)}
    notes: list[str] = []
    before_folder = None
    raw: tuple[subprocess.Popen, str] | None = None  # raw psycopg's process and address
    try:
        if args.profile:
            process, base, numbers = hosts["after"]
            label, method, paths, body = next(op for op in operations(numbers) if op[0] == args.profile)
            profile(base, method, paths, body, args.seconds, process.pid)
            return
        if args.against:
            before_folder, before_url, before_python = other_revision(args.against, args.server, args.tickets)
            hosts = {"before": start_devhost(before_url, env=limits, root=before_folder, python=before_python,
                                               count_function_cpu=True, log=logs / "before.log")
                     + (open_ticket_numbers(before_url),), **hosts}
        bare = bare_reference(args.seconds)
        raw = reference_server("benchmarks.raw_psycopg_app:app", ROOT, f"/api/tickets/{hosts['after'][2][0]}",
                               env={"DATABASE_URL": url})
        print(f"{args.tickets:,} tickets, wrk with {CONNECTIONS} connections for {args.seconds} s per turn, "
              f"median of {args.rounds} turns; CPU ms per request: the whole process, and inside the function\n")
        header = f"{'operation':<22}" + "".join(f"{name + ' req/s':>14}{name + ' CPU':>12}{'function':>10}"
                                                for name in hosts)
        header += (f"{'CPU after/before':>18}{'rounds':>12}{'function':>10}" if "before" in hosts
                   else f"{'x bare':>8}") + f"{'raw CPU':>10}{'after/raw':>11}"
        print(header)
        print("-" * len(header))
        print(f"{'bare Starlette':<22}{bare['rps']:>14.0f}{bare['cpu_ms']:>12.3f}")
        for index, (label, _, _, _) in enumerate(operations(["INC0000000"])):
            turns: dict[str, list[dict]] = {name: [] for name in hosts}
            raw_turns: list[dict] = []
            for round_number in range(args.rounds):
                # The checkouts swap places every round: two devhosts of the same code measured in turns favour
                # the second by about 3%, and "after" always going second would be given that.
                for name, (process, base, numbers) in list(hosts.items())[::1 if round_number % 2 == 0 else -1]:
                    _, method, paths, body = operations(numbers)[index]
                    measured = drive(base, method, paths, body, args.seconds, process.pid)
                    turns[name].append(measured)
                    if measured["refused"] and name == "after":
                        raise SystemExit(refused(measured, f"{label} ({logs / 'after.log'})"))
                    if measured["refused"]:
                        # The other revision's faults are history, not this run's to fix; they are told.
                        notes.append(f"{name}: {measured['refused']} of {measured['requests']} answers to "
                                     f"{label} were not 2xx (its log: {logs / (name + '.log')})")
                if label in RAW_OPERATIONS:  # on this checkout's database and tickets, right after its turn
                    raw_process, raw_base = raw
                    _, method, paths, body = operations(hosts["after"][2])[index]
                    raw_turns.append(drive(raw_base, method, paths, body, args.seconds, raw_process.pid,
                                           in_functions_too=False))
                    if raw_turns[-1]["refused"]:
                        raise SystemExit(refused(raw_turns[-1], f"{label} (raw psycopg)"))
            median = {name: {measure: _median([t[measure] for t in measured])
                             for measure in ("rps", "cpu_ms", "function_ms")} for name, measured in turns.items()}
            row = f"{label:<22}" + "".join(f"{m['rps']:>14.0f}{m['cpu_ms']:>12.3f}{_ms(m['function_ms']):>10}"
                                           for m in median.values())
            if "before" in hosts:
                # Each round's two turns ran back to back, so their ratio is taken within the round, where a slow
                # minute of the machine weighs on both sides, and the median of the rounds' ratios is the figure.
                ratios = [a["cpu_ms"] / b["cpu_ms"] for a, b in zip(turns["after"], turns["before"], strict=True)]
                before, after = median["before"], median["after"]
                functions = (f"{after['function_ms'] / before['function_ms']:.2f}"
                             if after["function_ms"] and before["function_ms"] else "—")
                row += f"{statistics.median(ratios):>18.2f}{f'{min(ratios):.2f}–{max(ratios):.2f}':>12}{functions:>10}"
            else:
                row += f"{median['after']['cpu_ms'] / bare['cpu_ms']:>8.1f}"
            if raw_turns:
                raw_ms = statistics.median(t["cpu_ms"] for t in raw_turns)
                over_raw = statistics.median(a["cpu_ms"] / r["cpu_ms"] for a, r in zip(turns["after"], raw_turns, strict=True))
                row += f"{raw_ms:>10.3f}{over_raw:>11.2f}"
            print(row, flush=True)
        for note in notes:
            print(note)
    finally:
        for process in [host[0] for host in hosts.values()] + ([raw[0]] if raw else []):
            process.terminate()
            process.wait()
        if before_folder:
            subprocess.run(["git", "worktree", "remove", "--force", str(before_folder)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
