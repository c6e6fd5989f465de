"""A call's ticket, against the in-memory unit of work: the first call opens it with the opening note, a retried
step opens nothing more, a caller of a known open problem joins it, and enough distinct callers raise its impact
(and so its priority) with a work note, while the same caller calling again counts once."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.analysis import Analysis
from domain.calls import Call
from domain.services import pipeline
from domain.settings import Settings
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeUnitOfWork

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SETTINGS = Settings(SEED_DEMO_DATA=False, OUTAGE_MEDIUM_IMPACT_CALLERS=3, OUTAGE_HIGH_IMPACT_CALLERS=5)
WIFI = Analysis(short_description="The wifi on floor 3 is down", description="The wifi on floor 3 is down",
                summary="", language="en", impact=3, urgency=2)


class SameProblem:
    """The duplicate finder, deciding as told: the open ticket `found` reports the same problem."""

    def __init__(self) -> None:
        self.found: str | None = None

    async def find(self, text: str, language: str, now: datetime, uow: Any, labels: Any = None) -> tuple[str, float] | None:
        return (self.found, 0.9) if self.found else None


def place(desk: DeskState, n: int, contact_id: int | None, finder: SameProblem, facts: Analysis = WIFI) -> dict[str, Any]:
    sid = f"CA{n:032d}"
    desk.calls.setdefault(sid, Call(sid=sid, from_phone=f"+1415555{n:04d}", locale="en-US", contact_id=contact_id,
                                    started_at=NOW + timedelta(minutes=n), intent="report"))
    return on_own_loop(pipeline.create_or_join(sid, facts, None, NOW, SETTINGS, FakeUnitOfWork(desk), finder))


def test_the_first_call_opens_a_ticket_once_however_often_the_step_runs():
    desk, finder = DeskState(), SameProblem()
    made = place(desk, 1, None, finder)
    assert made == {"ticket": "INC0010001", "joined": False}
    assert place(desk, 1, None, finder) == made and len(desk.tickets) == 1  # a retried activity
    ticket = desk.tickets["INC0010001"]
    assert (ticket.channel, ticket.priority, ticket.affected_callers) == ("phone", 4, 1)
    notes = [row["body"] for row in desk.activity[ticket.id] if row["kind"] == "work_note"]
    assert len(notes) == 1 and notes[0].startswith(f"Opened from call CA{1:032d}")


def test_callers_of_one_open_problem_join_it_and_enough_of_them_raise_its_impact_once_each():
    desk, finder = DeskState(), SameProblem()
    place(desk, 1, 101, finder)
    finder.found = "INC0010001"
    assert place(desk, 2, 102, finder) == {"ticket": "INC0010001", "joined": True}
    assert desk.tickets["INC0010001"].impact == 3  # two callers: not yet an outage
    place(desk, 3, 102, finder)  # the same caller again counts once
    assert desk.tickets["INC0010001"].affected_callers == 2
    place(desk, 4, 103, finder)
    ticket = desk.tickets["INC0010001"]
    assert (ticket.affected_callers, ticket.impact, ticket.priority) == (3, 2, 3)
    place(desk, 5, 104, finder)
    place(desk, 6, 105, finder)
    ticket = desk.tickets["INC0010001"]
    assert (ticket.affected_callers, ticket.impact, ticket.priority) == (5, 1, 2)
    notes = [row["body"] for row in desk.activity[ticket.id] if row["kind"] == "work_note"]
    assert "3 callers report this problem: impact raised to 2, priority now 3." in notes
    assert "5 callers report this problem: impact raised to 1, priority now 2." in notes
    assert len(desk.tickets) == 1


def test_an_unclear_call_joins_no_one_and_its_ticket_waits_for_review():
    desk, finder = DeskState(), SameProblem()
    place(desk, 1, None, finder)
    finder.found = "INC0010001"
    unclear = Analysis(short_description="Call from +14155550002, transcript unclear", description="“mumble”",
                       summary="", language="en", impact=3, urgency=3, unclear=True)
    made = place(desk, 2, None, finder, unclear)
    assert made == {"ticket": "INC0010002", "joined": False}
    assert desk.calls[f"CA{2:032d}"].review_reason == pipeline.UNCLEAR_REASON
