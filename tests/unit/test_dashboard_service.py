"""The dashboard's arithmetic against the fakes: open tickets by priority, state and group, SLA breached and at
risk with time on hold left out, days that are local days (a 25-hour one at the end of summer time too), the
mean time to resolve, and a half that cannot be counted answering as itself."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DependencyUnavailable
from domain.services.dashboard import dashboard
from domain.tickets import State, Ticket
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeDashboard, FakeUnitOfWork

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def add(desk: DeskState, opened: datetime, impact: int = 1, urgency: int = 1, group: str | None = "Network team",
        **fields) -> Ticket:
    ticket = Ticket(number="", short_description="The VPN drops", opened_at=opened, opened_by="t", impact=impact,
                    urgency=urgency, assignment_group=group)
    number = on_own_loop(FakeUnitOfWork(desk).tickets.add(ticket)).number
    desk.tickets[number].__dict__.update(fields)
    return desk.tickets[number]


def test_open_tickets_are_counted_with_the_time_they_spent_on_hold_left_off_their_sla_clock():
    desk = DeskState()
    add(desk, NOW - timedelta(hours=5))  # P1, 4 h to resolve: breached
    add(desk, NOW - timedelta(hours=3, minutes=30))  # past 75 % of it: at risk
    add(desk, NOW - timedelta(hours=5), state=State.ON_HOLD, paused_since=NOW - timedelta(hours=3))  # ran 2 h
    add(desk, NOW - timedelta(hours=1), impact=3, urgency=3, group=None)  # untriaged, on track
    add(desk, NOW - timedelta(days=2), state=State.RESOLVED, resolved_at=NOW - timedelta(days=1))
    answer = on_own_loop(dashboard("Europe/Madrid", NOW, FakeUnitOfWork(desk)))
    assert answer.open == 4 and answer.untriaged == 1
    assert (answer.sla.breached, answer.sla.at_risk, answer.sla.on_track) == (1, 1, 2)
    assert {p.priority: p.count for p in answer.by_priority}[1] == 3
    assert {s.state: s.count for s in answer.by_state} == {"new": 3, "in_progress": 0, "on_hold": 1}
    assert [(g.assignment_group, g.count) for g in answer.by_group] == [("Network team", 3), (None, 1)]


def test_days_are_the_desks_local_days_and_the_last_day_of_summer_time_has_25_hours():
    desk = DeskState()
    # 23:30 in Madrid on 25 October, when the clocks went back at 03:00: still that day, not the next.
    late = add(desk, datetime(2026, 10, 25, 22, 30, tzinfo=UTC), state=State.RESOLVED,
               resolved_at=datetime(2026, 10, 26, 0, 30, tzinfo=UTC))
    answer = on_own_loop(dashboard("Europe/Madrid", NOW, FakeUnitOfWork(desk)))
    days = {d.date: (d.opened, d.resolved) for d in answer.per_day}
    assert len(answer.per_day) == 30 and answer.per_day[-1].date == "2026-11-10"
    assert days["2026-10-25"] == (1, 0) and days["2026-10-26"] == (0, 1)
    assert answer.resolved_in_period == 1 and answer.mean_time_to_resolve_hours == 2.0
    assert late.number not in {t.number for t in answer.major_incidents}


def test_a_half_that_cannot_be_counted_answers_as_itself_after_the_other_half_is_done(monkeypatch):
    desk, counted = DeskState(), []
    add(desk, NOW - timedelta(hours=1))
    count_open = FakeDashboard.open_tickets

    async def open_tickets(store, *args):
        counted.append(await count_open(store, *args))
        return counted[-1]

    async def unreachable(store, day_starts, now):
        raise DependencyUnavailable("The days could not be counted.")

    monkeypatch.setattr(FakeDashboard, "open_tickets", open_tickets)
    monkeypatch.setattr(FakeDashboard, "per_day", unreachable)
    with pytest.raises(DependencyUnavailable, match="days could not"):
        on_own_loop(dashboard("Europe/Madrid", NOW, FakeUnitOfWork(desk)))
    assert len(counted) == 1
