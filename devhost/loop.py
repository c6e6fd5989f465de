"""An event loop in a thread of its own, for synchronous code (tests, benchmarks) that awaits the app's coroutines
as a worker does: on one loop that outlives each call, so the pools and clients the app keeps per loop are made
once rather than for every call."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def on_background_loop(work: Coroutine[Any, Any, T]) -> T:
    """Await `work` on the background loop, started on first use, and give its result (or raise its error)."""
    global _loop
    with _lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="background-event-loop", daemon=True).start()
    return asyncio.run_coroutine_threadsafe(work, _loop).result()
