"""devhost, with the CPU time of each function invocation counted: what Atiende's own code costs, apart from the
HTTP server and the emulation of Static Web Apps and the Functions host around it (which on Azure are
Microsoft's). Used by cpu_per_request.py for this checkout and for the one it compares with, so it changes
nothing in either: it wraps the call that hands synchronous functions to a worker thread, and answers
`GET /__function_cpu` (from loopback) with the invocations and CPU seconds so far.

    python benchmarks/measured_devhost.py serve --port 7071 [devhost's other arguments]

Run from the checkout to measure (its folder is the working directory); CPU is the invoking thread's own
(time.thread_time), so time spent waiting for the GIL or for PostgreSQL is not counted.
"""
from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))

import devhost.app  # noqa: E402
import devhost.functions  # noqa: E402
from devhost.__main__ import main  # noqa: E402

counted = {"invocations": 0, "cpu_seconds": 0.0}
lock = threading.Lock()
# run_sync_function since devhost ran functions on a ThreadPoolExecutor as the Python worker does; Starlette's
# run_in_threadpool before.
HANDS_TO_THREAD = "run_sync_function" if hasattr(devhost.functions, "run_sync_function") else "run_in_threadpool"
hand_to_thread = getattr(devhost.functions, HANDS_TO_THREAD)


async def run_counted(function: Any, *args: Any, **kwargs: Any) -> Any:
    def counted_call(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            used = time.thread_time() - started
            with lock:
                counted["invocations"] += 1
                counted["cpu_seconds"] += used

    return await hand_to_thread(counted_call, *args, **kwargs)


make_app = devhost.app.create_app


def create_counted_app(*args: Any, **kwargs: Any) -> Any:
    app = make_app(*args, **kwargs)

    async def answer_counts_or_serve(scope: Any, receive: Any, send: Any) -> None:
        local = (scope.get("client") or ("",))[0] == "127.0.0.1"
        if scope["type"] == "http" and scope["path"] == "/__function_cpu" and local:
            with lock:
                body = json.dumps(counted).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})
        else:
            await app(scope, receive, send)

    return answer_counts_or_serve


setattr(devhost.functions, HANDS_TO_THREAD, run_counted)
devhost.app.create_app = create_counted_app

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
