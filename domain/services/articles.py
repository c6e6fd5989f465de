"""The knowledge base: articles agents write (or draft from a resolved ticket), found by words and by meaning,
and suggested beside the tickets they may solve."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from domain.auth import Principal
from domain.errors import AtiendeError, FieldError, InvalidInput, NotFound, StaleVersion
from domain.ports import Document, Embedder, VectorIndex
from domain.ranking import fuse
from domain.schemas.articles import ArticleIn, ArticleOut, ArticlePatch
from domain.services.indexing import article_text, ticket_vector
from domain.services.tickets import find_ticket
from domain.store.uow import UnitOfWork

log = logging.getLogger(__name__)


async def create_article(data: ArticleIn, who: Principal, now: datetime, uow: UnitOfWork) -> ArticleOut:
    async with uow:
        await _check_category(uow, data.category)
        row = await uow.articles.add(data.model_dump(), who.name, now)
        await uow.commit()
    return ArticleOut(**row)


async def get_article(article_id: int, uow: UnitOfWork) -> ArticleOut:
    async with uow:
        return ArticleOut(**await _existing(uow, article_id))


async def update_article(article_id: int, patch: ArticlePatch, expected: int | None, who: Principal, now: datetime,
                         uow: UnitOfWork) -> ArticleOut:
    changes = patch.model_dump(exclude_unset=True)
    async with uow:
        current = await _existing(uow, article_id, for_update=True)
        if expected is not None and current["version"] != expected:
            raise StaleVersion(f"Article {article_id} is at version {current['version']}, not {expected}.")
        if not changes:
            return ArticleOut(**current)
        await _check_category(uow, changes.get("category"))
        row = await uow.articles.update(article_id, current["version"], changes, who.name, now)
        await uow.commit()
    return ArticleOut(**row)


async def list_articles(text: str | None, state: str | None, limit: int, uow: UnitOfWork) -> list[ArticleOut]:
    async with uow:
        return [ArticleOut(**row) for row in await uow.articles.find(text, state, limit)]


async def article_from_ticket(number: str, who: Principal, now: datetime, uow: UnitOfWork) -> ArticleOut:
    """A draft article written from a resolved ticket: its problem, and how it was solved."""
    async with uow:
        ticket = await find_ticket(uow, number)
        if ticket.state.api_name not in ("resolved", "closed") or not ticket.close_notes:
            raise InvalidInput(f"Ticket {ticket.number} is not resolved yet.",
                               [FieldError("must be a resolved ticket with resolution notes", parameter="number")])
        language = (ticket.caller.language if ticket.caller else None) or "es"
        headings = {"es": ("Problema", "Solución"), "en": ("Problem", "Solution")}[language]
        body = (f"## {headings[0]}\n\n{ticket.description or ticket.short_description}\n\n"
                f"## {headings[1]}\n\n{ticket.close_notes}\n")
        row = await uow.articles.add({"title": ticket.short_description, "body": body, "language": language,
                                "category": ticket.category, "source_ticket": ticket.number}, who.name, now)
        await uow.commit()
    return ArticleOut(**row)


async def suggested_articles(number: str, k: int, uow: UnitOfWork, embedder: Embedder,
                             index: VectorIndex) -> list[dict[str, Any]]:
    """Published articles nearest to the ticket by meaning."""
    async with uow:
        ticket = await find_ticket(uow, number)
    hits = await index.nearest(await ticket_vector(ticket, embedder, index), k, kind="article", states=["published"])
    async with uow:
        found = await uow.articles.by_ids([int(h.key) for h in hits])
    return [_hit(found[int(h.key)], h.score) for h in hits if int(h.key) in found]


async def search_articles(query: str, k: int, uow: UnitOfWork, embedder: Embedder,
                          index: VectorIndex) -> list[dict[str, Any]]:
    """Articles by words and by meaning, fused by reciprocal rank like ticket search."""
    async with uow:
        by_text = [row["id"] for row in await uow.articles.find(query, None, 20)]
    by_meaning: list[int] = []
    try:
        by_meaning = [int(h.key) for h in await index.nearest((await embedder.embed([query]))[0], 20, kind="article")]
    except AtiendeError as err:
        log.warning("article search by words only: %s", err)
    fused, _ = fuse({"text": (by_text, 1.0), "semantic": (by_meaning, 1.0)})
    best = sorted(fused, key=lambda a: -fused[a])[:k]
    async with uow:
        found = await uow.articles.by_ids(best)
    return [_hit(found[a], round(fused[a], 6)) for a in best if a in found]


async def index_pending_articles(uow: UnitOfWork, embedder: Embedder, index: VectorIndex, limit: int = 64) -> int:
    async with uow:
        rows = await uow.articles.waiting_for_index(limit)
        if not rows:
            return 0
        await index.check()
        articles = list((await uow.articles.by_ids([article_id for article_id, _ in rows])).values())
        vectors = await embedder.embed([article_text(a["title"], a["body"]) for a in articles])
        await index.upsert(Document("article", str(a["id"]), v, {"state": a["state"], "category": a["category"] or ""})
                     for a, v in zip(articles, vectors, strict=True))
        await uow.articles.indexed(rows)
        await uow.commit()
    return len(rows)


def _hit(row: dict[str, Any], score: float) -> dict[str, Any]:
    return {"id": row["id"], "title": row["title"], "language": row["language"], "category": row["category"],
            "state": row["state"], "score": score}


async def _existing(uow: UnitOfWork, article_id: int, for_update: bool = False) -> dict[str, Any]:
    row = await uow.articles.get(article_id, for_update=for_update) if 0 < article_id < 2**62 else None
    if row is None:
        raise NotFound(f"There is no article {article_id}.")
    return row


async def _check_category(uow: UnitOfWork, category: str | None) -> None:
    if category is not None and await uow.reference.subcategories_of(category) is None:
        raise InvalidInput("Some fields name things that do not exist.",
                           [FieldError(f"no category named {category!r}", "/category")])
