"""The unit of work, migrations and the auto-close job against the real PostgreSQL."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from domain.auth import ROLE_PERMISSIONS, Principal
from domain.errors import StaleVersion
from domain.schemas.tickets import TicketCreate, TicketPatch
from domain.services import tickets
from domain.store.migrations import migrate, pending_files
from tests.conftest import on_own_loop
from tests.random_refs import random_name

AGENT = Principal("store-test@example.com", "user", ROLE_PERMISSIONS["agent"])


def new(settings, uow, when=None):
    data = TicketCreate(short_description=random_name("store"))
    return on_own_loop(tickets.create_ticket(data, AGENT, None, when or datetime.now(UTC), settings, uow))[1]


def test_nothing_persists_without_commit(uow, db):
    name = random_name("uncommitted")

    async def add_without_commit() -> None:
        async with uow:
            await uow.reference.add_group(name)

    on_own_loop(add_without_commit())
    assert db.execute("SELECT count(*) FROM assignment_groups WHERE name = %s", (name,)).fetchone()[0] == 0


def test_an_error_rolls_back_everything_in_the_unit(uow, db):
    name = random_name("rolled back")

    async def add_then_fail() -> None:
        async with uow:
            await uow.reference.add_group(name)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        on_own_loop(add_then_fail())
    assert db.execute("SELECT count(*) FROM assignment_groups WHERE name = %s", (name,)).fetchone()[0] == 0


def test_two_racing_updates_of_one_version_let_exactly_one_win(settings, uow, db):
    from domain import bootstrap

    number = new(settings, uow)["number"]
    barrier = threading.Barrier(2)

    def update(text):
        barrier.wait()
        try:
            on_own_loop(tickets.update_ticket(number, TicketPatch(description=text), 1, AGENT, datetime.now(UTC),
                                          bootstrap.uow(settings)))
            return "ok"
        except StaleVersion:
            return "stale"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(update, ["left", "right"]))
    assert outcomes == ["ok", "stale"]
    version, description = db.execute("SELECT version, description FROM tickets WHERE number = %s", (number,)).fetchone()
    assert version == 2 and description in ("left", "right")


def test_a_plain_create_is_one_statement_and_one_with_a_key_or_a_caller_is_one_transaction(settings, uow, db,
                                                                                              monkeypatch):
    from psycopg.pq import TransactionStatus

    from domain.schemas.tickets import CallerIn
    from domain.store.tickets import TicketStore

    add = TicketStore.add
    seen = []

    async def add_and_look(store, ticket, *args, **kwargs):
        added = await add(store, ticket, *args, **kwargs)
        # A transaction is still open after the INSERT until it commits; a statement on its own has ended.
        seen.append(store.db.conn.info.transaction_status)
        return added

    monkeypatch.setattr(TicketStore, "add", add_and_look)
    plain = TicketCreate(short_description=random_name("plain"))
    keyed = TicketCreate(short_description=random_name("keyed"))
    called = TicketCreate(short_description=random_name("called"), caller=CallerIn(name=random_name("caller")))
    for data, key in ((plain, None), (keyed, random_name("key")), (called, None)):
        on_own_loop(tickets.create_ticket(data, AGENT, key, datetime.now(UTC), settings, uow))
    assert seen == [TransactionStatus.IDLE, TransactionStatus.INTRANS, TransactionStatus.INTRANS]
    for data in (plain, keyed, called):  # each stored once, with its audit rows
        assert db.execute("SELECT count(*), min(a.n) FROM tickets t, LATERAL (SELECT count(*) AS n"
                          " FROM ticket_activity WHERE ticket_id = t.id) a WHERE t.short_description = %s",
                          (data.short_description,)).fetchone() == (1, 3)  # state, priority, short description


def _saved_by_someone_else_after_the_first_read(monkeypatch, db, number):
    """The first unlocked read of `number` is followed at once by another save of the ticket, as a request on
    another connection would make between this one's read and its save."""
    from domain.store.tickets import TicketStore

    read = TicketStore.get
    reads = []

    async def get_then_clash(store, wanted, *, for_update=False):
        ticket = await read(store, wanted, for_update=for_update)
        reads.append(for_update)
        if len(reads) == 1:
            db.execute("UPDATE tickets SET version = version + 1, assigned_to = 'someone.else' WHERE number = %s",
                       (number,))
        return ticket

    monkeypatch.setattr(TicketStore, "get", get_then_clash)
    return reads


def test_a_change_that_another_save_overtook_is_made_again_under_the_lock(settings, uow, db, monkeypatch):
    from domain import bootstrap

    number = new(settings, uow)["number"]
    reads = _saved_by_someone_else_after_the_first_read(monkeypatch, db, number)
    on_own_loop(tickets.update_ticket(number, TicketPatch(description="mine"), None, AGENT, datetime.now(UTC),
                                  bootstrap.uow(settings)))
    assert reads == [False, True]  # read unlocked, clashed, read again holding the row lock
    version, description, assigned = db.execute(
        "SELECT version, description, assigned_to FROM tickets WHERE number = %s", (number,)).fetchone()
    # Both changes stand: the other save's assignee was not written over with what the first read saw.
    assert (version, description, assigned) == (3, "mine", "someone.else")


def test_a_comment_that_another_save_overtook_lands_once(settings, uow, db, monkeypatch):
    from domain import bootstrap
    from domain.schemas.tickets import CommentIn

    number = new(settings, uow)["number"]
    reads = _saved_by_someone_else_after_the_first_read(monkeypatch, db, number)
    body = random_name("overtaken")
    on_own_loop(tickets.add_comment(number, CommentIn(body=body, visibility="internal"), AGENT, datetime.now(UTC),
                                bootstrap.uow(settings)))
    assert reads == [False, True]
    assert db.execute("SELECT count(*) FROM ticket_activity WHERE body = %s", (body,)).fetchone()[0] == 1
    assert db.execute("SELECT assigned_to FROM tickets WHERE number = %s", (number,)).fetchone()[0] == "someone.else"


def test_a_ticket_that_clashed_lately_is_changed_under_the_lock_at_once(settings, uow, db, monkeypatch):
    from domain import bootstrap
    from domain.schemas.tickets import CommentIn

    busy, calm = new(settings, uow)["number"], new(settings, uow)["number"]
    reads = _saved_by_someone_else_after_the_first_read(monkeypatch, db, busy)
    comment = CommentIn(body=random_name("busy"), visibility="internal")
    for number in (busy, busy.lower(), calm):
        on_own_loop(tickets.add_comment(number, comment, AGENT, datetime.now(UTC), bootstrap.uow(settings)))
    # The first comment clashed and was made again under the lock; the next on the same ticket, however its
    # number was written, took the lock at once; another ticket was still read without one first.
    assert reads == [False, True, True, False]
    assert db.execute("SELECT t.number, count(*) FROM ticket_activity a JOIN tickets t ON t.id = a.ticket_id"
                      " WHERE a.body = %s GROUP BY t.number ORDER BY t.number", (comment.body,)).fetchall() == \
        sorted([(busy, 2), (calm, 1)])


def test_an_update_naming_its_version_is_stale_when_another_save_overtook_it(settings, uow, db, monkeypatch):
    from domain import bootstrap

    number = new(settings, uow)["number"]
    reads = _saved_by_someone_else_after_the_first_read(monkeypatch, db, number)
    with pytest.raises(StaleVersion):
        on_own_loop(tickets.update_ticket(number, TicketPatch(description="mine"), 1, AGENT, datetime.now(UTC),
                                      bootstrap.uow(settings)))
    assert reads == [False]
    assert db.execute("SELECT description, version FROM tickets WHERE number = %s", (number,)).fetchone() == ('', 2)
    audited = db.execute("SELECT count(*) FROM ticket_activity a JOIN tickets t ON t.id = a.ticket_id"
                         " WHERE t.number = %s AND a.field = 'description'", (number,)).fetchone()[0]
    assert audited == 0


def test_many_comments_and_updates_at_once_on_one_ticket_all_land_and_are_audited(settings, uow, db):
    from domain import bootstrap
    from domain.schemas.tickets import CommentIn

    number = new(settings, uow)["number"]
    start = threading.Barrier(8)

    def work(worker):
        start.wait()
        for turn in range(6):
            if worker % 2:
                on_own_loop(tickets.add_comment(number, CommentIn(body=f"note {worker}.{turn}", visibility="internal"),
                                            AGENT, datetime.now(UTC), bootstrap.uow(settings)))
            else:  # every value new, so every update changes the ticket
                on_own_loop(tickets.update_ticket(number, TicketPatch(description=f"text {worker}.{turn}"), None, AGENT,
                                              datetime.now(UTC), bootstrap.uow(settings)))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    version = db.execute("SELECT version FROM tickets WHERE number = %s", (number,)).fetchone()[0]
    kinds = dict(db.execute("SELECT coalesce(a.field, a.kind), count(*) FROM ticket_activity a"
                            " JOIN tickets t ON t.id = a.ticket_id WHERE t.number = %s GROUP BY 1", (number,)).fetchall())
    assert version == 1 + 48
    assert kinds["work_note"] == 24 and kinds["description"] == 24


def test_migrations_run_once_even_when_started_together(database_url, db):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: migrate(database_url), range(4)))
    assert results == [[], [], [], []]
    assert db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(pending_files())


def test_changes_leave_nothing_pending_that_every_word_search_would_read(settings, uow, db):
    """Each change writes the ticket's word-search entries again; they go into the index itself, not onto GIN's
    pending list, which every search reads whole until a VACUUM merges it."""
    from domain import bootstrap

    number = new(settings, uow)["number"]
    for urgency in (2, 3) * 5:
        patch = TicketPatch.model_validate({"urgency": urgency})
        on_own_loop(tickets.update_ticket(number, patch, None, AGENT, datetime.now(UTC), bootstrap.uow(settings)))
    db.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
    pending = db.execute("SELECT pending_pages, pending_tuples FROM pgstatginindex('tickets_search_idx')").fetchone()
    assert pending == (0, 0)
    assert db.execute("SELECT count(*) FROM tickets WHERE number = %s AND search @@ to_tsquery('simple', %s)",
                      (number, number.lower())).fetchone()[0] == 1


def test_resolved_tickets_close_after_the_configured_days(settings, uow, db):
    from domain import bootstrap

    long_ago = datetime.now(UTC) - timedelta(days=settings.AUTO_CLOSE_DAYS + 2)
    old = new(settings, uow, long_ago)["number"]
    recent = new(settings, bootstrap.uow(settings))["number"]
    resolve = TicketPatch.model_validate_json('{"state": "resolved", "close_code": "solved_permanently", "close_notes": "ok"}')
    on_own_loop(tickets.update_ticket(old, resolve, 1, AGENT, long_ago + timedelta(hours=1), bootstrap.uow(settings)))
    on_own_loop(tickets.update_ticket(recent, resolve, 1, AGENT, datetime.now(UTC), bootstrap.uow(settings)))
    closed = on_own_loop(tickets.close_resolved_tickets(datetime.now(UTC), settings, bootstrap.uow(settings)))
    assert old in closed and recent not in closed
    states = dict(db.execute("SELECT number, state FROM tickets WHERE number = ANY(%s)", ([old, recent],)).fetchall())
    assert states == {old: 7, recent: 6}
    audit = db.execute(
        "SELECT actor, old_value, new_value FROM ticket_activity a JOIN tickets t ON t.id = a.ticket_id"
        " WHERE t.number = %s AND a.field = 'state' ORDER BY a.id DESC LIMIT 1", (old,)
    ).fetchone()
    assert audit == ("system", "resolved", "closed")
    assert on_own_loop(tickets.close_resolved_tickets(datetime.now(UTC), settings, bootstrap.uow(settings))) == []


def test_past_the_exact_limit_the_list_total_is_the_planners_estimate(uow):
    from domain.store.tickets import TicketFilter


    async def count_both_ways() -> None:
        async with uow:
            exact, estimated, _ = await uow.tickets.count_matching(TicketFilter())
            assert not estimated and exact == await uow.tickets.count()
            uow.tickets.exact_up_to = 0  # as if the desk held more tickets than it is worth counting
            about, estimated, _ = await uow.tickets.count_matching(TicketFilter())
            assert estimated and about >= 1

    on_own_loop(count_both_ways())


def test_an_estimated_total_is_kept_for_seconds_and_an_exact_one_never(uow, monkeypatch):
    from domain.store import tickets as store
    from domain.store.kept import KeptForSeconds
    from domain.store.tickets import TicketFilter
    from domain.tickets import State

    class CountingStatements:
        def __init__(self, db):
            self.db, self.statements = db, 0

        def __getattr__(self, name):
            return getattr(self.db, name)

        async def one(self, *args, **kwargs):
            self.statements += 1
            return await self.db.one(*args, **kwargs)

    monkeypatch.setattr(store, "ESTIMATES", KeptForSeconds(10))  # none kept from another test

    async def count_repeatedly() -> None:
        async with uow:
            counting = uow.tickets.db = CountingStatements(uow.tickets.db)
            await uow.tickets.count_matching(TicketFilter())
            await uow.tickets.count_matching(TicketFilter())
            assert counting.statements == 2  # exact: counted every time
            uow.tickets.exact_up_to = 0
            first = await uow.tickets.count_matching(TicketFilter())
            assert first[1] and counting.statements == 4  # the count and the plan
            assert await uow.tickets.count_matching(TicketFilter()) == first and counting.statements == 4
            await uow.tickets.count_matching(TicketFilter(states=tuple(State)))
            assert counting.statements == 6  # another filter is another estimate
            monkeypatch.setattr(store.ESTIMATES, "seconds", 0)
            await uow.tickets.count_matching(TicketFilter())
            assert counting.statements == 8  # out of date: asked again

    on_own_loop(count_repeatedly())


def test_an_async_pooled_connection_the_server_ended_is_replaced_without_a_failed_request(settings, db):
    from domain.store.pool import close_pools, get_pool

    async def restart_under_a_full_pool() -> None:
        pool = await get_pool(settings.DATABASE_URL, settings.DATABASE_POOL_MAX_SIZE)
        held = [await pool.getconn() for _ in range(pool.max_size)]
        ended = {conn.info.backend_pid for conn in held}
        for conn in held:
            await pool.putconn(conn)
        for pid in ended:
            db.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
        for _ in range(pool.max_size + 1):
            async with pool.connection() as conn:
                assert await (await conn.execute("SELECT 1")).fetchone() == (1,)
                assert conn.info.backend_pid not in ended
        await close_pools()

    on_own_loop(restart_under_a_full_pool())


def test_an_async_unit_of_work_reads_saves_and_maps_a_dropped_connection_to_503(settings, db):
    from psycopg.pq import TransactionStatus

    from domain import bootstrap
    from domain.errors import DependencyUnavailable
    from domain.store.pool import close_pools

    number = new(settings, bootstrap.uow(settings))["number"]

    async def read_save_and_drop() -> None:
        uow = bootstrap.uow(settings)
        async with uow.reading():  # the async pool lends its connections in autocommit
            assert uow.conn.autocommit
            ticket = await uow.tickets.get(number)
        async with uow:
            assert not uow.conn.autocommit  # a transaction, until the unit of work ends
            ticket.description = "saved by an async unit of work"
            await uow.tickets.save(ticket, AGENT.name, datetime.now(UTC))
            assert uow.conn.info.transaction_status == TransactionStatus.INTRANS
            conn = uow.conn
            # not committed: rolled back when the unit of work ends
        assert conn.autocommit and conn.info.transaction_status == TransactionStatus.IDLE  # back as lent
        async with uow:
            ticket = await uow.tickets.get(number)  # the version the rolled back save gave it is gone
            ticket.description = "saved by an async unit of work"
            await uow.tickets.save(ticket, AGENT.name, datetime.now(UTC))
            await uow.commit()
        with pytest.raises(DependencyUnavailable):
            async with uow.reading():
                db.execute("SELECT pg_terminate_backend(%s, 5000)", (uow.conn.info.backend_pid,))
                await uow.tickets.count()
        async with uow.reading():  # and the next read gets a working connection
            assert (await uow.tickets.get(number)).version == 2
        await close_pools()

    on_own_loop(read_save_and_drop())
    assert db.execute("SELECT description, version FROM tickets WHERE number = %s", (number,)).fetchone() == \
        ("saved by an async unit of work", 2)


def test_reads_run_outside_a_transaction_and_hand_the_connection_back_as_lent(uow):
    from psycopg.pq import TransactionStatus

    async def read_then_work() -> None:
        async with uow.reading():
            await uow.tickets.count()
            assert uow.conn.autocommit and uow.conn.info.transaction_status == TransactionStatus.IDLE
        async with uow:
            await uow.tickets.count()
            assert not uow.conn.autocommit and uow.conn.info.transaction_status == TransactionStatus.INTRANS
            conn = uow.conn
        assert conn.autocommit  # back in the pool in autocommit, as the pool lends it

    on_own_loop(read_then_work())


def test_a_changed_sla_target_shows_at_once_in_this_process(admin, agent):
    made = agent.post("/api/tickets", json={"short_description": random_name("sla"), "impact": 3,
                                            "urgency": 3}).json()
    agent.get(f"/api/tickets/{made['number']}")  # this process now keeps the targets
    kept = next(t for t in admin.get("/api/sla-targets").json()["items"] if t["priority"] == 5)
    changed = {"response_minutes": kept["response_minutes"], "resolution_minutes": kept["resolution_minutes"] + 7}
    assert admin.put("/api/sla-targets/5", json=changed).status_code == 200
    try:
        shown = agent.get(f"/api/tickets/{made['number']}").json()["sla"]["resolution"]["target_minutes"]
        assert shown == kept["resolution_minutes"] + 7
    finally:
        admin.put("/api/sla-targets/5", json={k: kept[k] for k in ("response_minutes", "resolution_minutes")})


def test_a_read_whose_connection_the_server_drops_is_a_503_not_a_500(uow, db):
    from domain.errors import DependencyUnavailable


    async def read_as_the_server_drops_it() -> None:
        async with uow.reading():
            db.execute("SELECT pg_terminate_backend(%s, 5000)", (uow.conn.info.backend_pid,))
            await uow.tickets.count()

    async def read_again() -> int:
        async with uow.reading():
            return await uow.tickets.count()

    with pytest.raises(DependencyUnavailable):
        on_own_loop(read_as_the_server_drops_it())
    assert on_own_loop(read_again()) >= 0  # the next read gets a working connection


def test_numbers_are_inc_and_at_least_seven_digits(db):
    from domain.store.tickets import NEXT_NUMBER

    # The INSERT's own formula, given sequence values instead of drawing them (a drawn value is never returned).
    formula = NEXT_NUMBER.replace("nextval('ticket_number_seq') n", "(VALUES (%s::bigint)) drawn (n)")
    assert formula != NEXT_NUMBER
    numbers = [db.execute(f"SELECT {formula}", (value,)).fetchone()[0] for value in (1, 10_001, 9_999_999, 10_000_000)]
    assert numbers == ["INC0000001", "INC0010001", "INC9999999", "INC10000000"]
