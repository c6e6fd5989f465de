"""The vector index on real Redis, in both modes (RediSearch, and exact numpy on a Redis without the module),
fed by the real local model, and kept in step with real PostgreSQL through the outbox."""
from __future__ import annotations

import numpy as np
import pytest

from domain.adapters.embeddings import CachedEmbedder
from domain.adapters.vectors import Document, IndexOutOfDate, RedisVectorIndex
from domain.auth import ROLE_PERMISSIONS, Principal
from domain.schemas.tickets import TicketCreate, TicketPatch
from domain.services import indexing, tickets
from tests.conftest import on_own_loop
from tests.random_refs import random_name, random_word

# Each pair says one thing in other words; the first of a pair must find its second before anything else.
PARAPHRASES = [
    ("The printer on the second floor does not print", "Second floor printer is not printing anything"),
    ("I cannot log in to my email since this morning", "Email login fails for me since this morning"),
    ("The VPN disconnects every few minutes when I work from home", "From home my VPN keeps dropping"),
    ("My laptop battery drains in one hour", "Laptop battery dies after an hour"),
    ("The ERP is very slow when creating invoices", "Creating invoices in the ERP takes forever"),
    ("Wi-Fi in the meeting room is down", "No wireless connection in the meeting room"),
    ("I forgot my password and I am locked out", "Locked out of my account after forgetting the password"),
    ("The projector in room B shows no image", "No picture from the room B projector"),
]


def test_the_mode_follows_the_server(vector_index):
    assert on_own_loop(vector_index.mode()) in ("search", "exact")
    assert on_own_loop(vector_index.count()) == 0


def test_the_true_neighbour_ranks_first(vector_index, embedder):
    texts = [t for pair in PARAPHRASES for t in pair]
    vectors = on_own_loop(embedder.embed(texts))
    on_own_loop(vector_index.upsert(Document("ticket", f"T{i}", v, {"state": "new"}) for i, v in enumerate(vectors)))
    assert on_own_loop(vector_index.count()) == len(texts)
    for i in range(0, len(texts), 2):
        hits = on_own_loop(vector_index.nearest(vectors[i], 3, kind="ticket", exclude=f"T{i}"))
        assert hits[0].key == f"T{i + 1}", (texts[i], hits)
        assert hits[0].score > hits[1].score


def test_filters_and_exclusion_hold(vector_index, embedder):
    vectors = on_own_loop(embedder.embed(["printer broken", "printer jammed", "printer offline"]))
    on_own_loop(vector_index.upsert([Document("ticket", "A", vectors[0], {"state": "new"}),
                         Document("ticket", "B", vectors[1], {"state": "resolved"}),
                         Document("article", "C", vectors[2], {"state": "published"})]))
    assert [h.key for h in on_own_loop(vector_index.nearest(vectors[0], 5, exclude="A"))] in (["B", "C"], ["C", "B"])
    assert [h.key for h in on_own_loop(vector_index.nearest(vectors[0], 5, kind="ticket", states=["new", "in_progress"]))] == ["A"]
    assert [h.key for h in on_own_loop(vector_index.nearest(vectors[0], 5, kind="article"))] == ["C"]


def test_exact_search_sees_a_write_at_once(vector_index, embedder):
    first, second = on_own_loop(embedder.embed(["keyboard missing keys", "keyboard missing keys!"]))
    on_own_loop(vector_index.upsert([Document("ticket", "K1", first, {"state": "new"})]))
    assert [h.key for h in on_own_loop(vector_index.nearest(first, 5))] == ["K1"]
    on_own_loop(vector_index.upsert([Document("ticket", "K2", second, {"state": "new"})]))
    assert {h.key for h in on_own_loop(vector_index.nearest(first, 5))} == {"K1", "K2"}
    on_own_loop(vector_index.delete("ticket", "K1"))
    assert [h.key for h in on_own_loop(vector_index.nearest(first, 5))] == ["K2"]


def test_another_model_or_size_needs_a_reindex_which_rebuilds_everything(vector_index, embedder, uow):
    agent = Principal("indexer@example.com", "user", ROLE_PERMISSIONS["agent"])
    from datetime import UTC, datetime

    from domain.settings import Settings

    settings = Settings()
    for _ in range(3):
        on_own_loop(tickets.create_ticket(TicketCreate(short_description=random_name("Scanner")), agent, None,
                                      datetime.now(UTC), settings, uow))
    on_own_loop(vector_index.upsert([Document("ticket", "OLD", np.ones(embedder.dimensions) / np.sqrt(embedder.dimensions), {})]))
    newer = RedisVectorIndex(vector_index.client, "another-model", embedder.dimensions,
                             namespace=vector_index.prefix.split(":")[0])
    with pytest.raises(IndexOutOfDate, match="Run the reindex command"):
        on_own_loop(newer.nearest(np.zeros(embedder.dimensions), 1))
    smaller = RedisVectorIndex(vector_index.client, embedder.model, 128, namespace=vector_index.prefix.split(":")[0])
    with pytest.raises(IndexOutOfDate):
        on_own_loop(smaller.check())

    seen: list[tuple[int, int]] = []
    done = on_own_loop(indexing.reindex(lambda: uow, embedder, vector_index, lambda d, t: seen.append((d, t)), resume=True))

    async def counts() -> tuple[int, int]:
        async with uow:
            return await uow.tickets.count(), (await uow.db.one("SELECT count(*) FROM articles"))[0]

    total, articles = on_own_loop(counts())
    assert done == total and seen[-1] == (total, total)
    assert on_own_loop(vector_index.count()) == total + articles  # the knowledge base is rebuilt too
    assert "OLD" not in {h.key for h in on_own_loop(vector_index.nearest(np.ones(embedder.dimensions), 50))}


def test_unchanged_text_is_never_embedded_twice(search_redis, embedder):
    import redis.asyncio

    class Counting:
        model, dimensions, calls = embedder.model, embedder.dimensions, 0

        async def embed(self, texts):
            Counting.calls += len(texts)
            return await embedder.embed(texts)

    client = redis.asyncio.Redis.from_url(search_redis)
    cached = CachedEmbedder(Counting(), client, random_name("t").lower())
    word = random_word()
    first = on_own_loop(cached.embed([f"{word} one", f"{word} two"]))
    again = on_own_loop(cached.embed([f"{word} two", f"{word} one", f"{word} three"]))
    assert Counting.calls == 3
    assert np.allclose(first[0], again[1]) and np.allclose(first[1], again[0])
    on_own_loop(client.aclose())


def test_every_ticket_write_enqueues_it_and_draining_indexes_it(vector_index, embedder, uow, db):
    from datetime import UTC, datetime

    from domain.settings import Settings

    agent = Principal("indexer@example.com", "user", ROLE_PERMISSIONS["agent"])
    word = random_word()
    _, created, _ = on_own_loop(tickets.create_ticket(TicketCreate(short_description=f"The {word} plotter is jammed"),
                                                  agent, None, datetime.now(UTC), Settings(), uow))
    while on_own_loop(indexing.index_pending(uow, embedder, vector_index)):
        pass
    hit = on_own_loop(vector_index.nearest(on_own_loop(embedder.embed([f"The {word} plotter is jammed"]))[0], 1))[0]
    assert (hit.key, hit.tags["state"]) == (created["number"], "new")

    on_own_loop(tickets.update_ticket(created["number"], TicketPatch(state="in_progress"), None, agent, datetime.now(UTC), uow))
    assert db.execute("SELECT count(*) FROM index_outbox o JOIN tickets t ON t.id = o.ticket_id WHERE t.number = %s",
                      (created["number"],)).fetchone()[0] == 1
    while on_own_loop(indexing.index_pending(uow, embedder, vector_index)):
        pass
    hit = on_own_loop(vector_index.nearest(on_own_loop(embedder.embed([f"The {word} plotter is jammed"]))[0], 1))[0]
    assert hit.tags["state"] == "in_progress"


def test_many_searches_finding_no_index_start_one_and_none_fails(vector_index, embedder):
    import asyncio

    client = vector_index.raw
    for key in client.scan_iter(match=vector_index.prefix + "*"):
        client.delete(key)
    client.delete(vector_index.meta)
    if on_own_loop(vector_index.mode()) == "search":
        client.ft(vector_index.index).dropindex()  # as a Redis that restarted empty
    probe = on_own_loop(embedder.embed(["the printer is jammed"]))[0]
    fresh = [RedisVectorIndex(vector_index.client, vector_index.model, vector_index.dimensions,
                              namespace=vector_index.prefix.removesuffix(":vec:")) for _ in range(8)]

    async def all_at_once() -> list:
        return await asyncio.gather(*(index.nearest(probe, 3, kind="ticket") for index in fresh * 3))

    answers = on_own_loop(all_at_once())
    assert answers == [[]] * 24
    assert on_own_loop(vector_index.needs_filling())


def test_an_index_redis_lost_is_filled_again_from_postgresql(vector_index, embedder):
    from datetime import UTC, datetime

    from domain import bootstrap
    from domain.settings import Settings
    from tests.conftest import fresh_database

    settings = Settings(DATABASE_URL=fresh_database(f"atiende_test_refill_{on_own_loop(vector_index.mode())}"))
    agent = Principal("indexer@example.com", "user", ROLE_PERMISSIONS["agent"])
    said = ["The plotter on floor two is jammed", "My badge does not open the garage door"]
    made = [on_own_loop(tickets.create_ticket(TicketCreate(short_description=text), agent, None, datetime.now(UTC), settings,
                                          bootstrap.uow(settings)))[1]["number"] for text in said]
    while on_own_loop(indexing.index_pending(bootstrap.uow(settings), embedder, vector_index)):
        pass
    client = vector_index.raw
    for key in client.scan_iter(match=vector_index.prefix + "*"):
        client.delete(key)
    client.delete(vector_index.meta)  # Redis restarted with nothing kept
    if on_own_loop(vector_index.mode()) == "search":
        client.ft(vector_index.index).dropindex()
    vector_index._checked_until = 0.0
    assert on_own_loop(vector_index.nearest(on_own_loop(embedder.embed([said[0]]))[0], 1)) == []

    while on_own_loop(indexing.index_pending(bootstrap.uow(settings), embedder, vector_index)):
        pass
    assert not on_own_loop(vector_index.needs_filling())
    for text, number in zip(said, made, strict=True):
        assert on_own_loop(vector_index.nearest(on_own_loop(embedder.embed([text]))[0], 1))[0].key == number
