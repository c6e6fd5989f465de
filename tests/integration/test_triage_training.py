"""When triage trains: at once when a desk's labelled tickets grow by a large share (an import, a new desk), else
no sooner than the interval; what agents correct is what the next training learns; and what triage filled on a
call is learned only once a person confirmed it. Real PostgreSQL, the search-capable Redis and the local
embedding model."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis
import redis.asyncio

from domain import bootstrap
from domain.adapters.learned import TriageModelStore
from domain.adapters.vectors import RedisVectorIndex
from domain.auth import ROLE_PERMISSIONS, Principal
from domain.calls import VOICE_ACTOR
from domain.schemas.reference import CategoryIn, GroupIn
from domain.schemas.tickets import TicketCreate, TicketPatch
from domain.services import indexing, learning, reference, tickets
from domain.settings import Settings
from domain.tickets import Channel
from tests.conftest import fresh_database, on_own_loop
from tests.random_refs import random_name

ADMIN = Principal("admin@example.com", "user", ROLE_PERMISSIONS["admin"])
EVERY = timedelta(hours=1)
GROWTH = 0.25
WIFI = ["The wifi on floor {n} keeps dropping", "No wifi signal in meeting room {n}", "El wifi de la planta {n} se cae"]
BADGE = ["The badge reader at gate {n} rejects my card", "My access badge does not open door {n}",
         "El lector de tarjetas de la puerta {n} no abre"]


@pytest.fixture()
def desk(search_redis, embedder):
    settings = Settings(DATABASE_URL=fresh_database(random_name("atiende_test_training").replace("-", "_")),
                        SEED_DEMO_DATA=False)
    make_uow = lambda: bootstrap.uow(settings)  # noqa: E731
    for group in ("Network team", "Site support", "Security"):
        on_own_loop(reference.add_group(GroupIn(name=group), make_uow()))
    on_own_loop(reference.add_category(CategoryIn(name="Network", subcategories=["Wi-Fi"]), make_uow()))
    on_own_loop(reference.add_category(CategoryIn(name="Access", subcategories=["Badge"]), make_uow()))
    client, awaited = redis.Redis.from_url(search_redis), redis.asyncio.Redis.from_url(search_redis)
    namespace = random_name("training").lower()
    index = RedisVectorIndex(awaited, embedder.model, embedder.dimensions, namespace=namespace)
    on_own_loop(index.reset())
    models = TriageModelStore(awaited, namespace=namespace)

    def add(texts: list[str], count: int, group: str, category: str, subcategory: str) -> list[str]:
        made = []
        for n in range(count):
            _, ticket, _ = on_own_loop(tickets.create_ticket(
                TicketCreate(short_description=texts[n % len(texts)].format(n=n), category=category,
                             subcategory=subcategory, assignment_group=group),
                ADMIN, None, datetime.now(UTC), settings, make_uow()))
            made.append(ticket["number"])
        while on_own_loop(indexing.index_pending(make_uow(), embedder, index)):
            pass
        on_own_loop(models.mark_changed())  # as the outbox timer does when tickets changed
        return made

    def due(now: datetime) -> int | None:
        return on_own_loop(learning.train_if_due(make_uow(), models, index, embedder, 20000, 0.9, EVERY, GROWTH, now))

    yield add, due, models, make_uow
    for key in client.scan_iter(match=namespace + ":*"):
        client.delete(key)
    client.ft(index.index).dropindex()
    client.close()
    on_own_loop(awaited.aclose())


def test_a_desk_trains_at_once_when_its_labelled_tickets_grow_by_a_large_share_and_else_waits(desk):
    add, due, models, _ = desk
    now = datetime.now(UTC)
    add(WIFI, 40, "Network team", "Network", "Wi-Fi")
    assert due(now) == 40  # no model yet: it trains at once
    assert due(now + timedelta(minutes=1)) is None  # nothing changed since
    add(WIFI, 5, "Network team", "Network", "Wi-Fi")
    assert due(now + timedelta(minutes=2)) is None  # a few more: they wait for the interval
    add(BADGE, 20, "Security", "Access", "Badge")  # 65 against 40 learned: more than a quarter and ten more
    assert due(now + timedelta(minutes=3)) == 65
    assert on_own_loop(models.about())["tickets"] == 65
    add(WIFI, 1, "Network team", "Network", "Wi-Fi")
    assert due(now + timedelta(minutes=3) + EVERY) == 66  # the interval has passed and tickets changed


def test_what_agents_correct_is_what_the_next_training_learns(desk):
    add, due, models, make_uow = desk
    now = datetime.now(UTC)
    add(WIFI, 40, "Network team", "Network", "Wi-Fi")
    misrouted = add(BADGE, 30, "Site support", "Access", "Badge")
    assert due(now) == 70
    asked = "The badge reader at the loading dock gate rejects every card"
    group = on_own_loop(models.load()).fields["assignment_group"]
    assert max(group.probabilities(asked).items(), key=lambda kv: kv[1])[0] == "Site support"
    for number in misrouted:  # the agents send them where they belong
        on_own_loop(tickets.update_ticket(number, TicketPatch(assignment_group="Security"), None, ADMIN,
                                      datetime.now(UTC), make_uow()))
    on_own_loop(models.mark_changed())
    assert due(now + EVERY) == 70
    group = on_own_loop(models.load()).fields["assignment_group"]
    assert max(group.probabilities(asked).items(), key=lambda kv: kv[1])[0] == "Security"
    assert "Site support" not in group.labels


def test_triage_learns_its_own_fills_on_a_call_only_once_a_person_confirmed_them(desk):
    add, _, _, make_uow = desk
    add(WIFI, 1, "Network team", "Network", "Wi-Fi")  # an agent's ticket: a label as soon as it is made

    async def phone_ticket(n: int) -> str:
        async with make_uow() as uow:
            made = await tickets.open_ticket(uow, VOICE_ACTOR, datetime.now(UTC), caller=None,
                                             short_description=BADGE[0].format(n=n), description="",
                                             channel=Channel.PHONE, impact=3, urgency=3, category="Access",
                                             subcategory="Badge", assignment_group="Site support")
            await uow.commit()
        return made.number

    guessed, corrected, resolved = (on_own_loop(phone_ticket(n)) for n in range(3))

    def learned() -> set[str]:
        async def read() -> set[str]:
            async with make_uow() as uow:
                return {t.number for t in await uow.tickets.labelled(100, unconfirmed_by=VOICE_ACTOR)}
        return on_own_loop(read())

    assert guessed not in learned() and corrected not in learned() and resolved not in learned()
    on_own_loop(tickets.update_ticket(corrected, TicketPatch(assignment_group="Security"), None, ADMIN,
                                  datetime.now(UTC), make_uow()))
    on_own_loop(tickets.update_ticket(resolved, TicketPatch.model_validate_json(
        '{"state": "resolved", "close_code": "solved_permanently", "close_notes": "New badge issued"}'), None, ADMIN,
        datetime.now(UTC), make_uow()))
    assert {corrected, resolved} <= learned() and guessed not in learned()
    assert len(learned()) == 3
