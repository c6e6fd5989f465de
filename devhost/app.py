"""The devhost ASGI app: Static Web Apps in front, the function app behind `/api`, timers alongside."""
from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from devhost.functions import FunctionRouter, route_prefix
from devhost.swa import StaticWebApp
from devhost.timers import run_timers

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


class DevHost:
    """Every HTTP request goes to the Static Web App layer, whatever its path: no router of ours sits in
    front, because Starlette's path patterns do not match every path the Functions host would accept
    (a percent-encoded newline, for one)."""

    def __init__(self, function_app: Any, run_timer_functions: bool):
        self.function_app = function_app
        router = FunctionRouter(function_app, route_prefix(ROOT / "host.json"))
        self.site = StaticWebApp(ROOT / "static_web", lambda request, extra: router(request, extra))
        self.run_timer_functions = run_timer_functions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            response = await self.site(Request(scope, receive))
            await response(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        timers: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.run_timer_functions:
                    timers = asyncio.create_task(run_timers(self.function_app))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if timers is not None:
                    timers.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await timers
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(run_timer_functions: bool = True) -> DevHost:
    # Imported here, as the Python worker does, after the environment is settled.
    return DevHost(importlib.import_module("function_app").app, run_timer_functions)
