"""`/api/dashboard`: the aggregates agents land on, checked against the database they summarize."""
from datetime import UTC, datetime, timedelta

from tests.random_refs import random_name


def ticket(client, **fields) -> tuple[str, str]:
    response = client.post("/api/tickets", json={"short_description": random_name("Dashboard"), **fields})
    assert response.status_code == 201, response.text
    return response.json()["number"], response.headers["ETag"]


def test_the_dashboard_counts_match_the_database(agent, db):
    board = agent.get("/api/dashboard").json()
    open_by = dict(db.execute("SELECT priority, count(*) FROM tickets WHERE state IN (1, 2, 3) GROUP BY 1").fetchall())
    assert {p["priority"]: p["count"] for p in board["by_priority"]} == {p: open_by.get(p, 0) for p in range(1, 6)}
    assert board["open"] == sum(open_by.values()) == sum(s["count"] for s in board["by_state"])
    assert sum(g["count"] for g in board["by_group"]) == board["open"]
    assert sum(board["sla"].values()) == board["open"]
    assert len(board["per_day"]) == 30 and board["per_day"][-1]["date"] == datetime.now(UTC).date().isoformat()
    since = datetime.combine(datetime.now(UTC).date() - timedelta(days=29), datetime.min.time(), UTC)
    opened = db.execute("SELECT count(*) FROM tickets WHERE opened_at >= %s", (since,)).fetchone()[0]
    assert sum(d["opened"] for d in board["per_day"]) == opened


def test_a_new_ticket_a_breached_one_and_a_resolution_move_the_numbers(agent, db, reference_data):
    before = agent.get("/api/dashboard").json()
    urgent, _ = ticket(agent, impact=1, urgency=1, assignment_group=reference_data["group"])
    late, _ = ticket(agent, impact=3, urgency=3)
    # Opened three weeks ago: past a priority 5 ticket's ten days.
    db.execute("UPDATE tickets SET opened_at = now() - interval '21 days' WHERE number = %s", (late,))
    done, etag = ticket(agent)
    resolved = agent.patch(f"/api/tickets/{done}", headers={"If-Match": etag},
                           json={"state": "resolved", "close_code": "solved_remotely", "close_notes": "Rebooted."})
    assert resolved.status_code == 200, resolved.text

    after = agent.get("/api/dashboard").json()
    priority = lambda board, p: next(x["count"] for x in board["by_priority"] if x["priority"] == p)  # noqa: E731
    assert priority(after, 1) == priority(before, 1) + 1
    assert after["open"] == before["open"] + 2
    assert after["sla"]["breached"] == before["sla"]["breached"] + 1
    assert after["per_day"][-1]["resolved"] == before["per_day"][-1]["resolved"] + 1
    assert after["resolved_in_period"] == before["resolved_in_period"] + 1
    assert after["mean_time_to_resolve_hours"] is not None
    group = lambda board: next((g["count"] for g in board["by_group"]  # noqa: E731
                                if g["assignment_group"] == reference_data["group"]), 0)
    assert group(after) == group(before) + 1


def test_days_are_counted_in_the_time_zone_asked_for(agent):
    board = agent.get("/api/dashboard", params={"tz": "Pacific/Kiritimati"}).json()  # UTC+14: often tomorrow
    kiritimati_today = (datetime.now(UTC) + timedelta(hours=14)).date().isoformat()
    assert board["time_zone"] == "Pacific/Kiritimati" and board["per_day"][-1]["date"] == kiritimati_today


def test_an_unknown_time_zone_or_parameter_is_refused(agent):
    for params in ({"tz": "Mars/Olympus_Mons"}, {"tz": "'; DROP TABLE tickets; --"}, {"tz": ""}, {"days": "7"}):
        response = agent.get("/api/dashboard", params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


def test_time_on_hold_is_left_off_the_sla_clock(agent, db):
    """Five tickets of the lowest priority whose clocks, once what they spent on hold is taken off, sit on either
    side of its target and of the at-risk share; days apart from any edge, so the seconds between the answer
    and the database's clock do not matter."""
    target_days = db.execute("SELECT resolution_minutes FROM sla_targets WHERE priority = 5").fetchone()[0] / 1440
    before = agent.get("/api/dashboard").json()["sla"]
    clocks = [  # (days since opened, days already paused, on hold since days ago or None): what the clock shows
        (target_days + 11, 11 + target_days * 0.1, None),   # ran 0.9 of the target: at risk
        (target_days + 11, 11 + target_days * 0.5, None),   # ran half: on track
        (target_days * 3, 0, target_days * 2.5),            # on hold since it had run half: on track
        (target_days * 2, 0, 2),                             # ran past the target before it went on hold: breached
        (target_days * 2, target_days * 0.2, target_days),  # ran 0.8 before it went on hold: at risk
    ]
    for opened_days_ago, paused_days, on_hold_days_ago in clocks:
        number, _ = ticket(agent, impact=3, urgency=3)
        db.execute("""UPDATE tickets SET opened_at = now() - %s * interval '1 day', paused_seconds = %s * 86400,
                             state = CASE WHEN %s::float IS NULL THEN state ELSE 3 END,
                             on_hold_reason = CASE WHEN %s::float IS NULL THEN NULL ELSE 'awaiting_vendor' END,
                             paused_since = now() - %s * interval '1 day'
                      WHERE number = %s""",
                   (opened_days_ago, paused_days, on_hold_days_ago, on_hold_days_ago, on_hold_days_ago, number))
    after = agent.get("/api/dashboard").json()["sla"]
    assert {band: after[band] - before[band] for band in after} == {"on_track": 2, "at_risk": 2, "breached": 1}


def test_when_one_half_of_the_dashboard_cannot_reach_the_database_it_answers_503_and_both_connections_go_back(
        settings, monkeypatch):
    import azure.functions as func

    from blueprints.dashboard import get_dashboard
    from domain.errors import DependencyUnavailable
    from domain.settings import get_settings
    from domain.store.dashboard import DashboardStore
    from domain.store.pool import close_pools, get_pool
    from tests.conftest import on_own_loop, principal_cookie

    count_open = DashboardStore.open_tickets
    counted = []

    async def open_tickets(store, *args):
        counted.append(await count_open(store, *args))
        return counted[-1]

    async def unreachable(store, day_starts, now):
        raise DependencyUnavailable("The days could not be counted: the database went away.")

    monkeypatch.setattr(DashboardStore, "open_tickets", open_tickets)
    monkeypatch.setattr(DashboardStore, "per_day", unreachable)
    monkeypatch.setenv("DATABASE_URL", settings.DATABASE_URL)  # the door's own settings, on this run's database
    get_settings.cache_clear()
    request = func.HttpRequest("GET", "http://localhost/api/dashboard", params={"tz": "Europe/Madrid"}, body=b"",
                               headers={"x-ms-client-principal": principal_cookie("ana@example.com", ["agent"])})

    async def ask() -> tuple[func.HttpResponse, int]:
        answer = await get_dashboard(request)
        pool = await get_pool(settings.DATABASE_URL, settings.DATABASE_POOL_MAX_SIZE)
        # Nothing leaked: the pool can still lend every connection it may hold, at once.
        held = [await pool.getconn(timeout=5) for _ in range(pool.max_size)]
        for conn in held:
            await pool.putconn(conn)
        await close_pools()
        return answer, len(held)

    try:
        answer, lent = on_own_loop(ask())
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert b"The days could not be counted" in answer.get_body()
    assert len(counted) == 1  # the other half did count the open tickets
    assert lent == settings.DATABASE_POOL_MAX_SIZE
