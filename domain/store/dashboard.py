"""The dashboard's aggregates, each one query over an index made for it (migration 005).

Every query compares timestamps with bounds worked out once, in Python, instead of working out a number per row:
at a million tickets, date_part and AT TIME ZONE on each of the 80,000 open or recent tickets cost three times
the counting itself."""
from __future__ import annotations

from datetime import datetime, timedelta

from domain.store.statements import Statements

# An open ticket is at risk once this share of its resolution target has run.
AT_RISK_SHARE = 0.75
# (priority, state, group, open, breached, at risk)
OpenCount = tuple[int, int, str | None, int, int, int]

# A ticket's SLA clock runs from opened_at, less the seconds it spent on hold, less the time it has been on hold
# now: it is late once that start is before now - target. Most tickets never paused, and for them the start is
# opened_at itself, which the CASE answers without interval arithmetic. Arrays of bounds are indexed by priority.
# Counted per group id first and named after: joining the names row by row costs more than the counting.
_OPEN = """
WITH counted AS (
    SELECT priority, state, assignment_group_id, count(*) AS open,
           count(*) FILTER (WHERE clock_start < (%(late_before)s::timestamptz[])[priority]) AS breached,
           count(*) FILTER (WHERE clock_start < (%(at_risk_before)s::timestamptz[])[priority]) AS at_risk_or_breached
    FROM tickets t
    CROSS JOIN LATERAL (
        SELECT CASE WHEN t.paused_seconds = 0 AND t.paused_since IS NULL THEN t.opened_at
                    ELSE t.opened_at + t.paused_seconds * interval '1 second'
                         + coalesce(%(now)s - t.paused_since, interval '0') END AS clock_start
    ) clock
    WHERE state IN (1, 2, 3)
    GROUP BY priority, state, assignment_group_id
)
SELECT c.priority, c.state, g.name, c.open, c.breached, c.at_risk_or_breached - c.breached
FROM counted c LEFT JOIN assignment_groups g ON g.id = c.assignment_group_id
"""

# One range count per local day, in the days' order: each is a walk along the index with nothing to compute
# per row.
_OPENED = """
SELECT (SELECT count(*) FROM tickets WHERE opened_at >= day.starts AND opened_at < day.ends AND opened_at <= %(now)s)
FROM unnest(%(starts)s::timestamptz[], %(ends)s::timestamptz[]) WITH ORDINALITY AS day (starts, ends, n)
ORDER BY day.n
"""

_RESOLVED = """
SELECT resolved.count, resolved.seconds
FROM unnest(%(starts)s::timestamptz[], %(ends)s::timestamptz[]) WITH ORDINALITY AS day (starts, ends, n)
CROSS JOIN LATERAL (
    SELECT count(*) AS count,
           coalesce(sum(greatest(0, date_part('epoch', resolved_at - opened_at) - paused_seconds)), 0) AS seconds
    FROM tickets
    WHERE resolved_at IS NOT NULL AND resolved_at >= day.starts AND resolved_at < day.ends AND resolved_at <= %(now)s
) resolved
ORDER BY day.n
"""


class DashboardStore:
    def __init__(self, db: Statements):
        self.db = db

    async def open_tickets(self, resolution_seconds: dict[int, int], now: datetime) -> list[OpenCount]:
        """(priority, state, group, open, breached, at risk) for every combination that has open tickets.
        A priority without a target is never late."""
        def clock_starts_before(share: float) -> list[datetime | None]:
            return [now - timedelta(seconds=resolution_seconds[p] * share) if p in resolution_seconds else None
                    for p in range(1, max(resolution_seconds, default=0) + 1)]
        params = {"now": now, "late_before": clock_starts_before(1), "at_risk_before": clock_starts_before(AT_RISK_SHARE)}
        return await self.db.all(_OPEN, params)

    async def per_day(self, day_starts: list[datetime],
                      now: datetime) -> tuple[list[tuple[int]], list[tuple[int, float]]]:
        """(opened,) and (resolved, seconds to resolve) for each day, in order, that starts at one of `day_starts`
        and ends at the next; the last one is where the period ends."""
        params = {"starts": day_starts[:-1], "ends": day_starts[1:], "now": now}
        return (await self.db.all(_OPENED, params),
                await self.db.all(_RESOLVED, params))
