"""`python -m devhost fill`: realistic synthetic tickets for scale tests, the same on every run."""
import psycopg

from devhost.fill import GROUPS, fill
from tests.conftest import fresh_database


def test_fill_makes_a_years_worth_of_tickets_with_callers_states_and_activity():
    url = fresh_database("atiende_test_fill")
    fill(url, 2000, progress=lambda _: None)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 2000
        states = dict(conn.execute("SELECT state, count(*) FROM tickets GROUP BY 1").fetchall())
        assert states[7] > states[6] > states.get(2, 0) > 0 and states.get(1, 0) > 0  # mostly closed, some open
        assert conn.execute("SELECT count(DISTINCT priority) FROM tickets").fetchone()[0] == 5
        spread = conn.execute("SELECT max(opened_at) - min(opened_at) FROM tickets").fetchone()[0]
        assert spread.days >= 360
        assert conn.execute("SELECT count(DISTINCT assignment_group_id) FROM tickets").fetchone()[0] == len(GROUPS)
        assert conn.execute("SELECT count(*) FROM tickets WHERE caller_id IS NULL").fetchone()[0] == 0
        unresolved = conn.execute("SELECT count(*) FROM tickets WHERE state IN (6, 7) AND (close_code IS NULL"
                                  " OR resolved_at IS NULL)").fetchone()[0]
        assert unresolved == 0
        assert conn.execute("SELECT count(*) FROM ticket_activity").fetchone()[0] > 2000
        first = conn.execute("SELECT short_description FROM tickets ORDER BY id LIMIT 3").fetchall()

    again = fresh_database("atiende_test_fill")
    fill(again, 2000, progress=lambda _: None)
    with psycopg.connect(again) as conn:
        assert conn.execute("SELECT short_description FROM tickets ORDER BY id LIMIT 3").fetchall() == first
