"""What a call's words become, against the in-memory unit of work: triage fills only what the desk's calibration is
sure of, the rest waits untriaged with the suggestion; a desk with nothing labelled, or triage out of service, keeps
the rules' reading; unclear words title nothing and fill nothing."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.analysis import RuleAnalyzer
from domain.calls import Call
from domain.errors import DependencyUnavailable
from domain.services import pipeline
from domain.settings import Settings
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeUnitOfWork

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SETTINGS = Settings(SEED_DEMO_DATA=False)
SID = "CA" + "0" * 32


def answer(group: tuple[str | None, float, bool], category: tuple[str | None, float, bool] = (None, 0.0, False),
           trained: bool = True) -> dict[str, Any]:
    """A triage answer as similar.triage gives it."""
    def field(value: Any, confidence: float, fills: bool) -> dict[str, Any]:
        return {"value": value, "confidence": confidence, "fills": fills}

    return {"category": field(*category), "subcategory": field(None, 0.0, False), "assignment_group": field(*group),
            "impact": field(3, 1.0, True), "urgency": field(2, 0.9, True),
            "classifier": {"tickets": 90, "trained_at": NOW.isoformat()} if trained else None,
            "neighbours": ["INC0010001"] if trained else []}


def analyze(said: str, confidence: float, triage: Any) -> dict[str, Any]:
    desk = DeskState(categories={"Network": ["Wi-Fi"]})
    desk.calls[SID] = Call(sid=SID, from_phone="+34600111222", locale="es-ES", started_at=NOW, intent="report",
                           speech_text=said, speech_confidence=confidence)

    async def suggest(short_description: str, description: str) -> dict[str, Any]:
        if isinstance(triage, Exception):
            raise triage
        return triage

    facts = on_own_loop(pipeline.analyze_call(SID, NOW, SETTINGS, FakeUnitOfWork(desk), RuleAnalyzer(), suggest))
    assert desk.calls[SID].pipeline_step == "analyze"
    return facts


def test_triage_fills_what_it_is_sure_of_and_leaves_the_rest_with_its_suggestion():
    facts = analyze("El wifi de la planta tres no funciona", 0.9,
                    answer(group=("Network team", 0.62, False), category=("Network", 0.8, True)))
    assert (facts["category"], facts["assignment_group"], facts["urgency"]) == ("Network", None, 2)
    assert facts["suggested"]["assignment_group"] == {"value": "Network team", "confidence": 0.62, "fills": False}


def test_a_desk_with_nothing_labelled_keeps_the_rules_reading():
    facts = analyze("El wifi de la planta tres no funciona", 0.9, answer(group=(None, 0.0, False), trained=False))
    assert facts["assignment_group"] is None and facts["suggested"] is None
    assert facts["short_description"].startswith("El wifi de la planta tres")


def test_triage_out_of_service_leaves_the_rules_reading_and_the_ticket_still_opens():
    facts = analyze("El wifi de la planta tres no funciona", 0.9, DependencyUnavailable("Redis is down"))
    assert facts["suggested"] is None and facts["description"] == "El wifi de la planta tres no funciona"


def test_unclear_words_title_nothing_and_fill_nothing():
    facts = analyze("my laptop we all look out for the help", 0.3, answer(group=("Network team", 0.99, True)))
    assert facts["unclear"] is True and facts["assignment_group"] is None
    assert facts["short_description"] == "Llamada de +34600111222, transcripción poco clara"  # in the call's language
    assert "my laptop" not in facts["description"].splitlines()[0]
