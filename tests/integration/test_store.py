"""The unit of work, migrations and the auto-close job against the real PostgreSQL."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from domain.auth import ROLE_PERMISSIONS, Principal
from domain.errors import StaleVersion
from domain.schemas import TicketCreate, TicketPatch
from domain.services import tickets
from domain.store.migrations import migrate, pending_files
from tests.random_refs import random_name

AGENT = Principal("store-test@example.com", "user", ROLE_PERMISSIONS["agent"])


def new(settings, uow, when=None):
    data = TicketCreate(short_description=random_name("store"))
    return tickets.create_ticket(data, AGENT, None, when or datetime.now(UTC), settings, uow)[1]


def test_nothing_persists_without_commit(uow, db):
    name = random_name("uncommitted")
    with uow:
        uow.reference.add_group(name)
    assert db.execute("SELECT count(*) FROM assignment_groups WHERE name = %s", (name,)).fetchone()[0] == 0


def test_an_error_rolls_back_everything_in_the_unit(uow, db):
    name = random_name("rolled back")
    with pytest.raises(RuntimeError), uow:
        uow.reference.add_group(name)
        raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM assignment_groups WHERE name = %s", (name,)).fetchone()[0] == 0


def test_two_racing_updates_of_one_version_let_exactly_one_win(settings, uow, db):
    from domain import bootstrap

    number = new(settings, uow)["number"]
    barrier = threading.Barrier(2)

    def update(text):
        barrier.wait()
        try:
            tickets.update_ticket(number, TicketPatch(description=text), 1, AGENT, datetime.now(UTC), bootstrap.uow(settings))
            return "ok"
        except StaleVersion:
            return "stale"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(update, ["left", "right"]))
    assert outcomes == ["ok", "stale"]
    version, description = db.execute("SELECT version, description FROM tickets WHERE number = %s", (number,)).fetchone()
    assert version == 2 and description in ("left", "right")


def test_migrations_run_once_even_when_started_together(database_url, db):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: migrate(database_url), range(4)))
    assert results == [[], [], [], []]
    assert db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(pending_files())


def test_resolved_tickets_close_after_the_configured_days(settings, uow, db):
    from domain import bootstrap

    long_ago = datetime.now(UTC) - timedelta(days=settings.AUTO_CLOSE_DAYS + 2)
    old = new(settings, uow, long_ago)["number"]
    recent = new(settings, bootstrap.uow(settings))["number"]
    resolve = TicketPatch.model_validate_json('{"state": "resolved", "close_code": "solved_permanently", "close_notes": "ok"}')
    tickets.update_ticket(old, resolve, 1, AGENT, long_ago + timedelta(hours=1), bootstrap.uow(settings))
    tickets.update_ticket(recent, resolve, 1, AGENT, datetime.now(UTC), bootstrap.uow(settings))
    closed = tickets.close_resolved_tickets(datetime.now(UTC), settings, bootstrap.uow(settings))
    assert old in closed and recent not in closed
    states = dict(db.execute("SELECT number, state FROM tickets WHERE number = ANY(%s)", ([old, recent],)).fetchall())
    assert states == {old: 7, recent: 6}
    audit = db.execute(
        "SELECT actor, old_value, new_value FROM ticket_activity a JOIN tickets t ON t.id = a.ticket_id"
        " WHERE t.number = %s AND a.field = 'state' ORDER BY a.id DESC LIMIT 1", (old,)
    ).fetchone()
    assert audit == ("system", "resolved", "closed")
    assert tickets.close_resolved_tickets(datetime.now(UTC), settings, bootstrap.uow(settings)) == []


def test_past_the_exact_limit_the_list_total_is_the_planners_estimate(uow):
    from domain.store.tickets import TicketFilter

    with uow:
        exact, estimated = uow.tickets.count_matching(TicketFilter())
        assert not estimated and exact == uow.tickets.count()
        uow.tickets.exact_up_to = 0  # as if the desk held more tickets than it is worth counting
        about, estimated = uow.tickets.count_matching(TicketFilter())
        assert estimated and about >= 1
