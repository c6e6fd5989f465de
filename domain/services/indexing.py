"""Keeping the vector index in step with PostgreSQL: the outbox drained off the request path, and a full reindex."""
from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from domain.errors import AtiendeError
from domain.ports import Document, Embedder, VectorIndex
from domain.store.uow import UnitOfWork
from domain.tickets import Ticket

log = logging.getLogger(__name__)
BATCH = 128


def ticket_text(ticket: Ticket) -> str:
    """What a ticket's vector is made from: its short description, then its description."""
    return f"{ticket.short_description}\n{ticket.description}".strip()[:4000]


def article_text(title: str, body: str) -> str:
    """What an article is embedded as: its title and the start of its body."""
    return f"{title}\n{body}"[:4000]


async def ticket_vector(ticket: Ticket, embedder: Embedder, index: VectorIndex) -> np.ndarray:
    """The ticket's indexed vector when there is one (no model on a request's path), else its text's, while the
    outbox catches up."""
    await index.check()
    vector = await index.vector_of("ticket", ticket.number)
    return vector if vector is not None else (await embedder.embed([ticket_text(ticket)]))[0]


async def ticket_documents(tickets: list[Ticket], embedder: Embedder) -> list[Document]:
    vectors = await embedder.embed([ticket_text(t) for t in tickets])
    return [Document("ticket", t.number, vector,
                     {"state": t.state.api_name, "category": t.category or "", "group": t.assignment_group or ""})
            for t, vector in zip(tickets, vectors, strict=True)]


async def index_pending(uow: UnitOfWork, embedder: Embedder, index: VectorIndex, limit: int = BATCH) -> int:
    """Index the tickets the outbox holds, oldest first; returns how many. When Redis or the model fails the
    rows stay, with the error, for the next run. An index that Redis started empty (a new Redis, or one that
    lost its data) first gets every ticket and article queued, so the backlog refills it."""
    await index.check()
    if await index.needs_filling():
        async with uow:
            queued = await uow.tickets.queue_all_for_index() + await uow.articles.queue_all_for_index()
            await uow.commit()
        await index.filled()
        log.warning("the vector index was empty: %s tickets and articles are queued to fill it again", queued)
    async with uow:
        rows = await uow.tickets.waiting_for_index(limit)
        if not rows:
            return 0
        ids = [ticket_id for ticket_id, _ in rows]
        try:
            await index.check()
            await index.upsert(await ticket_documents(await uow.tickets.for_index(ids), embedder))
        except AtiendeError as err:
            await uow.tickets.index_failed(ids, str(err))
            await uow.commit()
            raise
        await uow.tickets.indexed(rows)
        await uow.commit()
    return len(rows)


async def reindex(make_uow: Callable[[], UnitOfWork], embedder: Embedder, index: VectorIndex,
                  progress: Callable[[int, int], None], resume: bool = True) -> int:
    """Rebuild the index from PostgreSQL for the current model and size. Resumable: the last ticket done is kept
    in the index's metadata, and a run that finds the index already for this model goes on from there."""
    after = 0
    if resume:
        try:
            await index.check()
            after = await index.reindexed_through()
        except AtiendeError:
            after = 0
    if not after:
        await index.reset()
    async with make_uow() as uow:
        total = await uow.tickets.count()
    done = 0
    if after:
        async with make_uow() as uow:
            done = await uow.tickets.count(through_id=after)
    progress(done, total)
    while True:
        async with make_uow() as uow:
            ids = await uow.tickets.ids_after(after, BATCH)
            if not ids:
                break
            await index.upsert(await ticket_documents(await uow.tickets.for_index(ids), embedder))
        after = ids[-1]
        await index.mark_reindexed_through(after)
        done += len(ids)
        progress(done, total)
    await index.mark_reindexed_through(0)
    await reindex_articles(make_uow, embedder, index)
    return done


async def reindex_articles(make_uow: Callable[[], UnitOfWork], embedder: Embedder, index: VectorIndex) -> int:
    after, done = 0, 0
    while True:
        async with make_uow() as uow:
            ids = await uow.articles.ids_after(after, BATCH)
            if not ids:
                return done
            found = await uow.articles.by_ids(ids)
        rows = [found[i] for i in ids if i in found]
        vectors = await embedder.embed([article_text(a["title"], a["body"]) for a in rows])
        await index.upsert(Document("article", str(a["id"]), v, {"state": a["state"], "category": a["category"] or ""})
                     for a, v in zip(rows, vectors, strict=True))
        after, done = ids[-1], done + len(ids)
