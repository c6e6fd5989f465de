"""A call's duplicate check against the fakes: by vectors when the index answers, only among open tickets of the
last hours; across languages only when triage filled both with the same labels; by shared words when the index
is down or finds nothing, and never on two or three words alone."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.services.duplicates import FullTextDuplicates, VectorDuplicates
from domain.services.indexing import index_pending
from domain.tickets import State, Ticket
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeEmbedder, FakeUnitOfWork, FakeVectorIndex

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
WINDOW = timedelta(hours=48)
WIFI = ("Network", "Wi-Fi", "Network team")


def desk(*tickets: tuple[str, timedelta, State, tuple[str | None, str | None, str | None]]):
    state, index, embedder = DeskState(), FakeVectorIndex(), FakeEmbedder()
    uow = FakeUnitOfWork(state)
    numbers = []
    for text, age, status, (category, subcategory, group) in tickets:
        made = on_own_loop(uow.tickets.add(Ticket(number="", short_description=text, opened_at=NOW - age,
                                                  opened_by="t", state=status, category=category,
                                                  subcategory=subcategory, assignment_group=group)))
        numbers.append(made.number)
    while on_own_loop(index_pending(FakeUnitOfWork(state), embedder, index)):
        pass
    finder = VectorDuplicates(embedder, index, 0.85, WINDOW, FullTextDuplicates(48, 0.6), cross_language_score=0.3)
    return state, index, finder, numbers


def find(state, finder, text, language="en", labels=None):
    return on_own_loop(finder.find(text, language, NOW, FakeUnitOfWork(state), labels))


def test_the_same_problem_reported_lately_is_found_and_an_old_or_closed_one_is_not():
    state, _, finder, (recent, old, closed) = desk(
        ("the wifi on floor three keeps dropping", timedelta(hours=2), State.NEW, (None, None, None)),
        ("the badge reader at gate two rejects cards", timedelta(days=5), State.NEW, (None, None, None)),
        ("the printer on floor one prints blank pages", timedelta(hours=1), State.RESOLVED, (None, None, None)))
    assert find(state, finder, "the wifi on floor three keeps dropping")[0] == recent
    assert find(state, finder, "the badge reader at gate two rejects cards") is None  # five days old
    assert find(state, finder, "the printer on floor one prints blank pages") is None  # no longer open


def test_across_languages_only_the_same_labels_make_a_duplicate():
    # Close by the vectors (0.52 with the fake's words), short of the same-language bar, past the cross one.
    state, _, finder, (english,) = desk(("no wifi at all, the wifi network is down", timedelta(hours=1), State.NEW,
                                         WIFI))
    spanish = "no hay wifi, la red wifi no funciona"
    assert find(state, finder, spanish, "es") is None
    assert find(state, finder, spanish, "es", labels=WIFI)[0] == english
    assert find(state, finder, spanish, "es", labels=("Network", "VPN", "Network team")) is None


def test_with_the_index_down_shared_words_decide_and_a_few_words_are_not_enough():
    state, index, finder, (printer,) = desk(
        ("printer prints blank pages on floor seven", timedelta(hours=1), State.NEW, (None, None, None)))
    index.down = True
    found = find(state, finder, "printer on floor seven prints only blank pages")
    assert found is not None and found[0] == printer and found[1] >= 0.6
    assert find(state, finder, "printer pages") is None  # two shared words alone say little
