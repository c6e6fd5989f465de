"""The demo data a first run loads (SEED_DEMO_DATA), on a database of its own: every group has its agents, and
the tickets assigned to them pass the same rules as anyone's."""
from tests.conftest import TEST_DATABASE_URL, fresh_database, on_own_loop


def test_the_demo_desk_seeds_once_with_agents_in_every_group():
    import psycopg  # noqa: PLC0415

    from devhost.seed import AGENTS, GROUPS, TICKETS, seed_if_empty  # noqa: PLC0415
    from domain import bootstrap  # noqa: PLC0415
    from domain.settings import Settings  # noqa: PLC0415

    name = psycopg.conninfo.conninfo_to_dict(TEST_DATABASE_URL)["dbname"] + "_seed"
    settings = Settings(DATABASE_URL=fresh_database(name), SEED_DEMO_DATA=True)
    assert on_own_loop(seed_if_empty(settings, lambda: bootstrap.uow(settings)))
    assert not on_own_loop(seed_if_empty(settings, lambda: bootstrap.uow(settings)))  # once
    with psycopg.connect(settings.DATABASE_URL) as conn:
        members = conn.execute("SELECT count(*) FROM group_members").fetchone()[0]
        assigned = {row[0] for row in conn.execute("SELECT assigned_to FROM tickets WHERE assigned_to IS NOT NULL")}
        count = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    assert members == len(GROUPS) * len(AGENTS)
    assert assigned and assigned <= set(AGENTS)
    assert count == len(TICKETS)
