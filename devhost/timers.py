"""Runs the app's timer triggers on their NCRONTAB schedules (seconds first, as the Functions host reads them)."""
from __future__ import annotations

import asyncio
import inspect
import logging
from datetime import UTC, datetime
from typing import Any

import azure.functions as func
from croniter import croniter
from starlette.concurrency import run_in_threadpool

from devhost.functions import indexed_functions, trigger_of

log = logging.getLogger(__name__)


class _Timer(func.TimerRequest):
    def __init__(self, past_due: bool = False):
        self._past_due = past_due

    @property
    def past_due(self) -> bool:
        return self._past_due


def timer_functions(app: Any) -> list[tuple[str, str, str, Any]]:
    found = []
    for function in indexed_functions(app):
        trigger = trigger_of(function)
        if trigger.get("type") == "timerTrigger":
            found.append((function.get_function_name(), trigger["schedule"], trigger["name"], function.get_user_function()))
    return found


async def run_timers(app: Any) -> None:
    """Fire each timer function at its next occurrence, forever; a failing run is logged and the next one still fires."""
    timers = timer_functions(app)
    if not timers:
        return
    schedules = {name: croniter(schedule, datetime.now(UTC), second_at_beginning=True) for name, schedule, _, _ in timers}
    due = {name: schedules[name].get_next(datetime) for name in schedules}
    while True:
        name = min(due, key=due.get)
        await asyncio.sleep(max(0.0, (due[name] - datetime.now(UTC)).total_seconds()))
        _, _, binding, handler = next(t for t in timers if t[0] == name)
        try:
            if inspect.iscoroutinefunction(handler):
                await handler(**{binding: _Timer()})
            else:
                await run_in_threadpool(handler, **{binding: _Timer()})
        except Exception:
            log.exception("timer function %s failed", name)
        due[name] = schedules[name].get_next(datetime)
