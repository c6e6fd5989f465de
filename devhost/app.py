"""The devhost ASGI app: Static Web Apps in front, the function app behind `/api`, durable functions and timers
alongside."""
from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from devhost.durable import WEBHOOK_PREFIX, DurableEngine
from devhost.functions import FunctionRouter, route_prefix
from devhost.requester import API_PREFIX as REQUESTER_API
from devhost.requester import LocalMessaging
from devhost.services import AZURITE_BLOB_PORT
from devhost.simulations import PREFIX as SIMULATIONS_PREFIX
from devhost.simulations import Simulations
from devhost.swa import StaticWebApp
from devhost.timers import run_timers
from domain import bootstrap
from domain.store.pool import close_pools

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


class DevHost:
    """Every HTTP request goes to the Static Web App layer, whatever its path: no router of ours sits in
    front, because Starlette's path patterns do not match every path the Functions host would accept
    (a percent-encoded newline, for one). The one exception is the durable HTTP API, which the Functions host
    serves itself, beside the app, to the durable client."""

    def __init__(self, function_app: Any, run_timer_functions: bool, durable: DurableEngine | None = None,
                 simulations: Simulations | None = None):
        self.function_app = function_app
        self.durable = durable
        self.simulations = simulations
        values = {"durableClient": durable.client_binding} if durable else {}
        router = FunctionRouter(function_app, route_prefix(ROOT / "host.json"), values)
        # The browser uploads agents' files straight to Blob Storage: here, Azurite.
        self.site = StaticWebApp(ROOT / "static_web", lambda request, extra: router(request, extra),
                                 connect_sources=(f"http://127.0.0.1:{AZURITE_BLOB_PORT}",))
        self.run_timer_functions = run_timer_functions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            request = Request(scope, receive)
            if self.durable is not None and scope["path"].startswith(WEBHOOK_PREFIX) and _is_local(scope):
                response = await self.durable.handle_api(request)
            elif (self.simulations is not None and self.simulations.messaging is not None
                  and scope["path"].startswith(REQUESTER_API) and _is_local(scope)):
                response = await self.simulations.messaging.messages_api(request)
            elif self.simulations is not None and scope["path"].startswith(SIMULATIONS_PREFIX):
                response = await self.simulations(request)
            else:
                response = await self.site(request)
            await response(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        background: list[asyncio.Task[None]] = []
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.run_timer_functions:
                    background.append(asyncio.create_task(run_timers(self.function_app)))
                if self.durable is not None:
                    background.append(asyncio.create_task(self.durable.run()))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in background:
                    # Cancelled again until it ends: on Python 3.11 a cancellation that meets an inner wait_for's
                    # timeout or result can be lost (gh-86296), and the timers would then run on for ever.
                    while not task.done():
                        task.cancel()
                        await asyncio.wait({task}, timeout=1)
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await close_pools()  # the app's connections and clients belong to this loop
                await bootstrap.close_clients()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _is_local(scope: Scope) -> bool:
    # The host's durable API is for the app itself, never for the outside world.
    client = scope.get("client") or ("", 0)
    return client[0] in ("127.0.0.1", "::1", "localhost")


def create_app(run_timer_functions: bool = True, durable_base_url: str | None = None) -> DevHost:
    """The app; with `durable_base_url` (where this devhost listens) it also runs durable functions."""
    # Imported here, as the Python worker does, after the environment is settled.
    function_app = importlib.import_module("function_app").app
    durable = simulations = None
    if durable_base_url:
        from domain.settings import get_settings

        settings = get_settings()
        durable = DurableEngine(function_app, settings.DATABASE_URL, settings.DURABLE_TASK_HUB)
        durable.base_url = durable_base_url.rstrip("/")
        messaging = None
        if settings.TWILIO_API_BASE_URL.endswith(REQUESTER_API):
            messaging = LocalMessaging(durable.base_url, settings.TWILIO_AUTH_TOKEN.get_secret_value(),
                                       settings.TWILIO_PHONE_NUMBER, settings)
        simulations = Simulations(durable.base_url, settings.TWILIO_AUTH_TOKEN.get_secret_value(), messaging)
    return DevHost(function_app, run_timer_functions, durable, simulations)
