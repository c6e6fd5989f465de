"""The shapes of `GET /api/dashboard`."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


def _time_zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError("an IANA time zone such as Europe/Madrid or America/Mexico_City") from err
    return name


TimeZone = Annotated[str, StringConstraints(pattern=r"^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$", max_length=60),
                     AfterValidator(_time_zone)]


class DashboardQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tz: TimeZone = Field(default="UTC", description="Days are counted in this time zone")


class PriorityCount(BaseModel):
    priority: int
    count: int


class StateCount(BaseModel):
    state: str
    count: int


class GroupCount(BaseModel):
    assignment_group: str | None = Field(description="None for tickets no group holds")
    count: int


class SlaSummary(BaseModel):
    on_track: int
    at_risk: int = Field(description="Open tickets past 75% of their resolution target")
    breached: int = Field(description="Open tickets past their resolution target")


class DayCount(BaseModel):
    date: str = Field(description="The day, in the time zone asked for")
    opened: int
    resolved: int


class MajorIncident(BaseModel):
    number: str
    short_description: str
    affected_callers: int
    priority: int
    opened_at: datetime


class DashboardOut(BaseModel):
    generated_at: datetime
    time_zone: str
    open: int
    by_priority: list[PriorityCount] = Field(description="Open tickets, every priority listed")
    by_state: list[StateCount] = Field(description="Open tickets, every open state listed")
    by_group: list[GroupCount] = Field(description="Open tickets per assignment group, most first")
    sla: SlaSummary
    per_day: list[DayCount] = Field(description="The last 30 days, oldest first, today included")
    resolved_in_period: int
    mean_time_to_resolve_hours: float | None = Field(
        description="Over the tickets resolved in those 30 days, time on hold excluded; None when none was")
    untriaged: int = Field(description="Open tickets no assignment group has been given (the untriaged view)")
    major_incidents: list[MajorIncident] = Field(
        description="Open tickets that many distinct callers reported (an outage), the most reported first")
