"""The shape of `GET /api/health`."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class HealthCheck(BaseModel):
    status: Literal["ok", "unavailable"]
    detail: str


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    checks: dict[str, HealthCheck]
