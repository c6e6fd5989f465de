"""The dashboard's aggregates, each one query over an index made for it (migration 005). Seconds are taken with
date_part, in floating point: extract() answers in numeric, several times slower to add up over a million rows."""
from __future__ import annotations

from datetime import datetime
from typing import Any

# An open ticket is at risk once this share of its resolution target has run.
AT_RISK_SHARE = 0.75

# Counted per group id first and named after: joining the names row by row costs more than the counting.
_OPEN = """
WITH targets (priority, seconds) AS (SELECT * FROM unnest(%(priorities)s::int[], %(seconds)s::int[])),
counted AS (
    SELECT t.priority, t.state, t.assignment_group_id, count(*) AS open,
           count(*) FILTER (WHERE clock.elapsed > targets.seconds) AS breached,
           count(*) FILTER (WHERE clock.elapsed > targets.seconds * %(at_risk)s
                              AND clock.elapsed <= targets.seconds) AS at_risk
    FROM tickets t
    JOIN targets ON targets.priority = t.priority
    CROSS JOIN LATERAL (
        SELECT date_part('epoch', %(now)s - t.opened_at) - t.paused_seconds
               - coalesce(date_part('epoch', %(now)s - t.paused_since), 0) AS elapsed
    ) clock
    WHERE t.state IN (1, 2, 3)
    GROUP BY t.priority, t.state, t.assignment_group_id
)
SELECT c.priority, c.state, g.name, c.open, c.breached, c.at_risk
FROM counted c LEFT JOIN assignment_groups g ON g.id = c.assignment_group_id
"""

_OPENED = """
SELECT (opened_at AT TIME ZONE %(tz)s)::date AS day, count(*) AS opened
FROM tickets WHERE opened_at >= %(since)s AND opened_at <= %(now)s GROUP BY 1
"""

_RESOLVED = """
SELECT (resolved_at AT TIME ZONE %(tz)s)::date AS day, count(*) AS resolved,
       sum(greatest(0, date_part('epoch', resolved_at - opened_at) - paused_seconds)) AS seconds
FROM tickets WHERE resolved_at IS NOT NULL AND resolved_at >= %(since)s AND resolved_at <= %(now)s GROUP BY 1
"""


class DashboardStore:
    def __init__(self, conn: Any):
        self.conn = conn

    def open_tickets(self, resolution_seconds: dict[int, int], now: datetime) -> list[tuple]:
        """(priority, state, group, open, breached, at risk) for every combination that has open tickets."""
        params = {"priorities": list(resolution_seconds), "seconds": list(resolution_seconds.values()),
                  "now": now, "at_risk": AT_RISK_SHARE}
        return self.conn.execute(_OPEN, params).fetchall()

    def per_day(self, since: datetime, now: datetime, tz: str) -> tuple[list[tuple], list[tuple]]:
        """(day, opened) and (day, resolved, seconds to resolve) per local day since `since`."""
        params = {"since": since, "now": now, "tz": tz}
        return self.conn.execute(_OPENED, params).fetchall(), self.conn.execute(_RESOLVED, params).fetchall()
