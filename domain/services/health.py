"""What each dependency is doing right now, for `GET /api/health`."""
from __future__ import annotations

from typing import Callable

from domain.schemas import HealthCheck, HealthOut
from domain.store.uow import UnitOfWork


def check_health(make_uow: Callable[[], UnitOfWork]) -> HealthOut:
    checks: dict[str, HealthCheck] = {}
    try:
        with make_uow() as uow:
            version = uow.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
            server = uow.conn.info.server_version
        checks["postgresql"] = HealthCheck(
            status="ok", detail=f"PostgreSQL {server // 10000}.{server % 10000}, schema {version}"
        )
    except Exception as err:  # noqa: BLE001 - health reports a failure rather than raising it
        checks["postgresql"] = HealthCheck(status="unavailable", detail=type(err).__name__)
    status = "ok" if all(c.status == "ok" for c in checks.values()) else "degraded"
    return HealthOut(status=status, checks=checks)
