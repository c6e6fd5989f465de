"""Indexing, training and triage against the in-memory unit of work, vector index, embedder and model store
(tests/fakes.py): the outbox drains into the index and a failing index keeps it; a desk's training calibrates what
triage fills; a text like the desk's labelled tickets fills its group, one unlike them only suggests; search weighs
words as the desk's calibration chose. tests/integration runs the same against PostgreSQL, Redis and the real model."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from domain.errors import DependencyUnavailable
from domain.services import indexing, learning, similar
from domain.settings import Settings
from domain.tickets import Ticket
from domain.triage import Calibration
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeEmbedder, FakeTriageModels, FakeUnitOfWork, FakeVectorIndex

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SETTINGS = Settings(SEED_DEMO_DATA=False)
KINDS = {("Network", "Wi-Fi", "Network team"): ["wifi keeps dropping on floor {n}", "no wifi signal in room {n}",
                                                "el wifi de la planta {n} se cae"],
         ("Hardware", "Printer", "Site support"): ["printer prints blank pages on floor {n}",
                                                   "cannot print to printer {n}", "la impresora {n} no imprime"]}


@pytest.fixture()
def desk() -> tuple[DeskState, FakeVectorIndex, FakeEmbedder, FakeTriageModels]:
    state = DeskState(groups={"Network team", "Site support"},
                      categories={"Network": ["Wi-Fi"], "Hardware": ["Printer"]})
    uow = FakeUnitOfWork(state)
    for (category, subcategory, group), texts in KINDS.items():
        for n in range(30):
            on_own_loop(uow.tickets.add(Ticket(number="", short_description=texts[n % 3].format(n=n), opened_at=NOW,
                                       opened_by="t", category=category, subcategory=subcategory,
                                       assignment_group=group)))
    return state, FakeVectorIndex(), FakeEmbedder(), FakeTriageModels()


def index_all(state: DeskState, index: FakeVectorIndex, embedder: FakeEmbedder) -> None:
    while on_own_loop(indexing.index_pending(FakeUnitOfWork(state), embedder, index)):
        pass


def test_the_outbox_drains_into_the_index_and_a_failing_index_keeps_every_ticket_queued(desk):
    state, index, embedder, _ = desk
    index.down = True
    with pytest.raises(DependencyUnavailable):
        on_own_loop(indexing.index_pending(FakeUnitOfWork(state), embedder, index))
    assert len(state.outbox) == 60 and on_own_loop(index.count()) == 0
    index.down = False
    index_all(state, index, embedder)
    assert state.outbox == {} and on_own_loop(index.count()) == 60


def test_a_trained_desk_fills_the_group_of_a_familiar_text_and_only_suggests_for_a_novel_one(desk):
    state, index, embedder, models = desk
    index_all(state, index, embedder)
    assert on_own_loop(learning.train(FakeUnitOfWork(state), models, index, embedder, 1000, 0.9, NOW)) == 60
    calibration = on_own_loop(models.load()).calibration
    assert calibration.held_out == 60 and calibration.blend("assignment_group").threshold <= 1

    def triage(text: str) -> dict[str, Any]:
        return on_own_loop(similar.triage(text, "", SETTINGS, FakeUnitOfWork(state), embedder, index, models=models))

    familiar = triage("the wifi keeps dropping in room 40")
    assert familiar["assignment_group"]["value"] == "Network team" and familiar["assignment_group"]["fills"]
    novel = triage("coffee machine leaks water")
    assert novel["assignment_group"]["fills"] is False and novel["category"]["fills"] is False


def test_an_untrained_desk_fills_nothing_on_its_own(desk):
    state, index, embedder, models = desk
    index_all(state, index, embedder)
    found = on_own_loop(similar.triage("the wifi keeps dropping in room 40", "", SETTINGS, FakeUnitOfWork(state), embedder,
                               index, models=models))
    assert found["assignment_group"]["value"] == "Network team"
    assert not any(found[f]["fills"] for f in ("category", "subcategory", "assignment_group"))


def test_search_weighs_words_as_the_desks_calibration_chose_and_answers_by_words_when_the_index_is_down(desk):
    state, index, embedder, models = desk
    index_all(state, index, embedder)
    on_own_loop(models.save({}, 60, NOW.isoformat(), Calibration(search={"en": {"queries": 40, "text_weight": 0.0}})))

    def search() -> dict[str, Any]:
        return on_own_loop(similar.search("printer blank pages", 5, FakeUnitOfWork(state), embedder, index, models))

    by_vectors = [h.key for h in on_own_loop(index.nearest(on_own_loop(embedder.embed(["printer blank pages"]))[0], 5, kind="ticket"))]
    assert [i["number"] for i in search()["items"]] == by_vectors  # words weigh nothing here
    index.down = True
    degraded = search()
    assert degraded["degraded"] and all(i["matched"] == ["text"] for i in degraded["items"])
    assert {i["assignment_group"] for i in degraded["items"]} == {"Site support"}


def test_a_desk_with_nothing_labelled_or_indexed_trains_without_failing():
    state, index, embedder, models = DeskState(), FakeVectorIndex(), FakeEmbedder(), FakeTriageModels()
    assert on_own_loop(learning.train(FakeUnitOfWork(state), models, index, embedder, 1000, 0.9, NOW)) == 0
    assert on_own_loop(models.load()).tickets == 0 and on_own_loop(models.load()).calibration.blends == {}


def test_a_new_tickets_candidates_never_run_the_model_known_text_by_meaning_new_text_by_words(desk):
    state, index, embedder, _ = desk
    index_all(state, index, embedder)
    uow = FakeUnitOfWork(state)
    typed = "wifi keeps dropping on floor 4"  # the form's triage embedded it while the agent typed
    on_own_loop(embedder.embed([typed]))
    asked = len(embedder.texts)
    by_meaning = on_own_loop(similar.candidates_for_new("INC0099999", typed, "", NOW, SETTINGS, uow, embedder, index))
    assert by_meaning and "wifi" in by_meaning[0]["short_description"]
    by_words = on_own_loop(similar.candidates_for_new("INC0099998", "printer prints blank pages on floor 7", "", NOW,
                                                      SETTINGS, uow, embedder, index))
    assert len(embedder.texts) == asked  # neither ran the model
    assert by_words and all("printer" in c["short_description"] for c in by_words)
    assert all(c["score"] >= SETTINGS.DUPLICATE_CANDIDATE_SCORE for c in by_meaning + by_words)
    index.down = True
    assert on_own_loop(similar.candidates_for_new("INC0099997", typed, "", NOW, SETTINGS, uow, embedder, index)) == []
