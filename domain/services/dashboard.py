"""The agents' landing page in numbers: open tickets by priority, state and group, SLA at risk and breached,
tickets opened and resolved per day over 30 days, and the mean time to resolve."""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.schemas.dashboard import (
    DashboardOut,
    DayCount,
    GroupCount,
    MajorIncident,
    PriorityCount,
    SlaSummary,
    StateCount,
)
from domain.services.reference import list_sla_targets
from domain.store.dashboard import OpenCount
from domain.store.uow import UnitOfWork
from domain.tickets import OPEN_STATES, Ticket

DAYS = 30


async def dashboard(tz: str, now: datetime, uow: UnitOfWork, major_incident_callers: int = 3) -> DashboardOut:
    """The dashboard, over an async unit of work: its two halves are counted at once, on the event loop."""
    targets = {t.priority: t.resolution_minutes * 60 for t in await list_sla_targets(uow)}
    first_day = now.astimezone(ZoneInfo(tz)).date() - timedelta(days=DAYS - 1)
    days = [first_day + timedelta(days=i) for i in range(DAYS + 1)]  # the last one only closes today
    # Local midnights, found here so that a day of 23 or 25 hours is one too.
    day_starts = [datetime.combine(day, time(), ZoneInfo(tz)) for day in days]

    async def open_counts() -> tuple[list[OpenCount], list[Ticket]]:
        async with uow.reading():
            return (await uow.dashboard.open_tickets(targets, now),
                    await uow.tickets.major_incidents(major_incident_callers, limit=10))

    async def day_counts() -> tuple[list[tuple[int]], list[tuple[int, float]]]:
        days_uow = uow.beside()
        async with days_uow.reading():
            return await days_uow.dashboard.per_day(day_starts, now)

    # The open tickets and the days are counted at the same time, on two connections: each walks indexes of its
    # own, and at a million tickets the two took 57 ms one after the other where each takes 20-25 ms alone.
    # Each statement already read a snapshot of its own. An error is raised as itself (a 503 stays a 503), after
    # the other half has ended and handed its connection back.
    open_answer, days_answer = await asyncio.gather(open_counts(), day_counts(), return_exceptions=True)
    if isinstance(open_answer, BaseException):
        raise open_answer
    if isinstance(days_answer, BaseException):
        raise days_answer
    (open_rows, majors), (opened_rows, resolved_rows) = open_answer, days_answer
    by_priority: Counter[int] = Counter()
    by_state: Counter[int] = Counter()
    by_group: Counter[str | None] = Counter()
    breached = at_risk = 0
    for priority, state, group, count, late, risky in open_rows:
        by_priority[priority] += count
        by_state[state] += count
        by_group[group] += count
        breached += late
        at_risk += risky
    total = sum(by_priority.values())
    opened = [count for (count,) in opened_rows]
    resolved = [count for count, _ in resolved_rows]
    resolved_count = sum(resolved)
    seconds = sum(float(s) for _, s in resolved_rows)
    return DashboardOut(
        generated_at=now, time_zone=tz, open=total,
        by_priority=[PriorityCount(priority=p, count=by_priority[p]) for p in sorted(targets)],
        by_state=[StateCount(state=s.api_name, count=by_state[s.value]) for s in OPEN_STATES],
        by_group=[GroupCount(assignment_group=g, count=c) for g, c in
                  sorted(by_group.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))],
        sla=SlaSummary(on_track=total - breached - at_risk, at_risk=at_risk, breached=breached),
        per_day=[DayCount(date=d.isoformat(), opened=o, resolved=r)
                 for d, o, r in zip(days[:-1], opened, resolved, strict=True)],
        resolved_in_period=resolved_count,
        mean_time_to_resolve_hours=round(seconds / resolved_count / 3600, 2) if resolved_count else None,
        untriaged=by_group[None],
        major_incidents=[MajorIncident(number=t.number, short_description=t.short_description,
                                       affected_callers=t.affected_callers, priority=t.priority,
                                       opened_at=t.opened_at)
                         for t in majors],
    )

