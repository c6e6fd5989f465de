"""What each dependency is doing right now, for `GET /api/health`."""
from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from domain.ports import TriageModels, VectorIndex
from domain.schemas.health import HealthCheck, HealthOut
from domain.store.uow import UnitOfWork


async def check_health(make_uow: Callable[[], UnitOfWork], make_index: Callable[[], VectorIndex] | None = None,
                       make_models: Callable[[], TriageModels] | None = None) -> HealthOut:
    checks: dict[str, HealthCheck] = {}
    pending = None
    try:
        async with make_uow() as uow:
            pending = await uow.tickets.waiting_for_index_count()
        # Anyone may ask: no server or schema version is told, only that it answers.
        checks["postgresql"] = HealthCheck(status="ok", detail="PostgreSQL answers")
    except Exception as err:  # noqa: BLE001 - health reports a failure rather than raising it
        checks["postgresql"] = HealthCheck(status="unavailable", detail=type(err).__name__)
    if make_index is not None:
        try:
            index = make_index()
            waiting = f", {pending} waiting" if pending else ""
            mode = "RediSearch HNSW" if await index.mode() == "search" else "exact search in numpy (no search module)"
            checks["redis"] = HealthCheck(status="ok", detail=f"{mode}; {await index.count()} vectors of {index.model} "
                                                              f"({index.dimensions} dimensions){waiting}")
        except Exception as err:  # noqa: BLE001 - health reports a failure rather than raising it
            checks["redis"] = HealthCheck(status="unavailable", detail=type(err).__name__)
    if make_models is not None:
        try:
            about = await make_models().about()
            detail = (f"classifier learned from {about['tickets']} labelled tickets at {about['trained_at']}" if about
                      else "classifier not trained yet: suggestions come from the nearest tickets' vote")
            checks["triage"] = HealthCheck(status="ok", detail=detail)
        except Exception as err:  # noqa: BLE001 - health reports a failure rather than raising it
            checks["triage"] = HealthCheck(status="unavailable", detail=type(err).__name__)
    status: Literal["ok", "degraded"] = "ok" if all(c.status == "ok" for c in checks.values()) else "degraded"
    return HealthOut(status=status, checks=checks)
