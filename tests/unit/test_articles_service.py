"""The knowledge base's rules against the fakes: versions and categories checked, a draft written from a resolved
ticket in its caller's language, the outbox feeding the index, suggestions only of published articles, and search
by words and meaning that still answers by words when the index is down."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from domain.auth import ROLE_PERMISSIONS, Principal
from domain.errors import InvalidInput, NotFound, StaleVersion
from domain.schemas.articles import ArticleIn, ArticlePatch
from domain.schemas.tickets import TicketCreate, TicketPatch
from domain.services import articles, tickets
from domain.settings import Settings
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeEmbedder, FakeUnitOfWork, FakeVectorIndex

AGENT = Principal("ana@example.com", "user", ROLE_PERMISSIONS["agent"])
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def write(desk: DeskState, title: str, body: str, **fields) -> int:
    made = on_own_loop(articles.create_article(ArticleIn(title=title, body=body, language="en", **fields), AGENT, NOW,
                                               FakeUnitOfWork(desk)))
    return made.id


def patch(**fields) -> ArticlePatch:
    return ArticlePatch.model_validate_json(json.dumps(fields))


def test_an_article_needs_a_known_category_and_an_update_the_version_it_read():
    desk = DeskState(categories={"Network": ["Wi-Fi"]})
    with pytest.raises(InvalidInput) as refused:
        write(desk, "Printer tips", "Turn it off and on", category="Printers")
    assert [e.pointer for e in refused.value.errors] == ["/category"] and desk.articles == {}
    made = write(desk, "Wi-Fi on floor 2", "Forget the network, join again", category="Network")
    done = on_own_loop(articles.update_article(made, patch(state="published"), 1, AGENT, NOW, FakeUnitOfWork(desk)))
    assert (done.state, done.version) == ("published", 2)
    with pytest.raises(StaleVersion):
        on_own_loop(articles.update_article(made, patch(title="Old"), 1, AGENT, NOW, FakeUnitOfWork(desk)))
    same = on_own_loop(articles.update_article(made, patch(), None, AGENT, NOW, FakeUnitOfWork(desk)))
    assert same.version == 2  # nothing asked, nothing written
    with pytest.raises(NotFound):
        on_own_loop(articles.get_article(2**63, FakeUnitOfWork(desk)))


def test_a_resolved_ticket_drafts_an_article_with_its_problem_and_its_solution():
    desk = DeskState()
    _, ticket, _ = on_own_loop(tickets.create_ticket(
        TicketCreate(short_description="VPN drops every five minutes", description="Since the update."),
        AGENT, None, NOW, Settings(SEED_DEMO_DATA=False), FakeUnitOfWork(desk)))
    with pytest.raises(InvalidInput, match="not resolved"):
        on_own_loop(articles.article_from_ticket(ticket["number"], AGENT, NOW, FakeUnitOfWork(desk)))
    resolve = TicketPatch.model_validate_json(json.dumps({"state": "resolved", "close_code": "solved_permanently",
                                                          "close_notes": "Rolled back the VPN client"}))
    on_own_loop(tickets.update_ticket(ticket["number"], resolve, None, AGENT, NOW, FakeUnitOfWork(desk)))
    draft = on_own_loop(articles.article_from_ticket(ticket["number"], AGENT, NOW, FakeUnitOfWork(desk)))
    assert (draft.state, draft.source_ticket, draft.language) == ("draft", ticket["number"], "es")
    assert "## Problema\n\nSince the update." in draft.body and "## Solución\n\nRolled back" in draft.body


def test_published_articles_are_suggested_and_found_and_words_alone_answer_while_the_index_is_down():
    desk, index, embedder = DeskState(), FakeVectorIndex(), FakeEmbedder()
    tickets_made = on_own_loop(tickets.create_ticket(TicketCreate(short_description="printer prints blank pages"),
                                                     AGENT, None, NOW, Settings(SEED_DEMO_DATA=False),
                                                     FakeUnitOfWork(desk)))[1]
    blank = write(desk, "printer prints blank pages", "Replace the toner", state="published")
    write(desk, "printer prints blank pages draft", "Not ready", state="draft")
    vpn = write(desk, "vpn keeps dropping", "Update the client", state="published")
    while on_own_loop(articles.index_pending_articles(FakeUnitOfWork(desk), embedder, index)):
        pass
    assert desk.article_outbox == {} and on_own_loop(index.count()) == 3
    suggested = on_own_loop(articles.suggested_articles(tickets_made["number"], 5, FakeUnitOfWork(desk), embedder,
                                                        index))
    assert [s["id"] for s in suggested][:1] == [blank] and {s["state"] for s in suggested} == {"published"}
    found = on_own_loop(articles.search_articles("vpn dropping", 5, FakeUnitOfWork(desk), embedder, index))
    assert found[0]["id"] == vpn
    index.down = True
    by_words = on_own_loop(articles.search_articles("toner", 5, FakeUnitOfWork(desk), embedder, index))
    assert [a["id"] for a in by_words] == [blank]
