"""The devhost ASGI app: Static Web Apps in front, the function app behind `/api`, timers alongside."""
from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from pathlib import Path
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from devhost.functions import FunctionRouter, route_prefix
from devhost.swa import StaticWebApp
from devhost.timers import run_timers

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def create_app(run_timer_functions: bool = True) -> Starlette:
    # Imported here, as the Python worker does, after the environment is settled.
    function_app = importlib.import_module("function_app").app
    router = FunctionRouter(function_app, route_prefix(ROOT / "host.json"))
    site = StaticWebApp(ROOT / "static_web", lambda request, extra: router(request, extra))

    async def handle(request: Request) -> Response:
        return await site(request)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(run_timers(function_app)) if run_timer_functions else None
        yield
        if task is not None:
            task.cancel()

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", handle, methods=methods)], lifespan=lifespan)
