"""Similar tickets, duplicate candidates, marking a duplicate and hybrid search, through devhost over HTTP; and
what a Redis outage does to them (creates go on; search says it is degraded; the backlog catches up)."""
from __future__ import annotations

import time
from datetime import datetime

import httpx
import pytest

from devhost.services import ensure_redis
from tests.conftest import Devhost, free_port, fresh_database, principal_cookie
from tests.random_refs import random_word


def create(client: httpx.Client, short: str, **fields) -> dict:
    response = client.post("/api/tickets", json={"short_description": short, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def wait_for_index(client: httpx.Client, ticket: dict, timeout: float = 20) -> None:
    """Until the outbox timer has put this ticket in the vector index (search finds it by meaning)."""
    deadline = time.monotonic() + timeout
    while True:
        found = client.get("/api/search", params={"q": ticket["short_description"][:200]}).json()
        if any(i["number"] == ticket["number"] and "semantic" in i["matched"] for i in found.get("items", [])):
            return
        assert time.monotonic() < deadline, found
        time.sleep(0.3)


def wait_until_indexed(client: httpx.Client, number: str, timeout: float = 20) -> list[dict]:
    """The ticket's similar list once the outbox timer has indexed it (and something else)."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/api/tickets/{number}/similar")
        if response.status_code == 200 and response.json()["items"]:
            return response.json()["items"]
        assert time.monotonic() < deadline, response.text
        time.sleep(0.3)


def test_similar_tickets_put_the_same_problem_first_never_the_ticket_itself(agent):
    word = random_word()
    first = create(agent, f"The {word} printer on the second floor does not print")
    create(agent, f"Outlook {word} asks for my password again and again")
    second = create(agent, f"Second floor {word} printer is not printing anything")
    wait_for_index(agent, second)
    items = wait_until_indexed(agent, first["number"])
    assert items[0]["number"] == second["number"] and first["number"] not in [i["number"] for i in items]
    assert items[0]["open"] is True and items[0]["score"] > 0.5
    assert agent.get(f"/api/tickets/{first['number']}/similar", params={"k": 0}).status_code == 422
    assert agent.get("/api/tickets/INC9999999/similar").status_code == 404


def test_a_resolved_similar_ticket_comes_with_how_it_was_resolved(agent):
    word = random_word()
    old = create(agent, f"The {word} badge reader at the main door rejects every card")
    resolved = agent.patch(f"/api/tickets/{old['number']}", headers={"If-Match": '"1"'}, json={
        "state": "resolved", "close_code": "solved_permanently", "close_notes": "Replaced the reader's power supply"})
    assert resolved.status_code == 200, resolved.text
    new = create(agent, f"Main door {word} badge reader refuses all cards")
    wait_for_index(agent, old)
    hit = {i["number"]: i for i in wait_until_indexed(agent, new["number"])}[old["number"]]
    assert (hit["open"], hit["close_code"], hit["close_notes"]) == (False, "solved_permanently",
                                                                    "Replaced the reader's power supply")


def test_a_new_ticket_comes_back_with_its_duplicate_candidates_and_can_be_marked_a_duplicate(agent):
    word = random_word()
    original = create(agent, f"The {word} VPN disconnects every few minutes when working from home")
    wait_for_index(agent, original)
    copy = create(agent, f"From home my {word} VPN keeps dropping every few minutes")
    assert original["number"] in [c["number"] for c in copy["duplicate_candidates"]], copy["duplicate_candidates"]
    assert all(c["open"] and c["score"] >= 0.6 for c in copy["duplicate_candidates"])

    marked = agent.post(f"/api/tickets/{copy['number']}/mark-duplicate", json={"of": original["number"]})
    assert marked.status_code == 200, marked.text
    assert (marked.json()["state"], marked.json()["parent"]) == ("canceled", original["number"])
    notes = [a["body"] for a in agent.get(f"/api/tickets/{copy['number']}/activity").json()["items"]
             if a["kind"] == "work_note"]
    assert notes == [f"Duplicate of {original['number']}: {original['short_description']}"]
    refused = agent.post(f"/api/tickets/{original['number']}/mark-duplicate", json={"of": original["number"]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/of"


def test_search_fuses_meaning_and_words(agent):
    word = random_word()
    by_words = create(agent, f"Monitor {word} flickers")
    by_meaning = create(agent, f"The {word} screen keeps blinking on and off")
    wait_for_index(agent, by_meaning)
    deadline = time.monotonic() + 20
    while True:
        found = agent.get("/api/search", params={"q": f"{word} monitor flickering"}).json()
        numbers = [i["number"] for i in found["items"]]
        if by_words["number"] in numbers and by_meaning["number"] in numbers:
            break
        assert time.monotonic() < deadline, found
        time.sleep(0.3)
    assert found["degraded"] is None
    matched = {i["number"]: i["matched"] for i in found["items"]}
    assert "text" in matched[by_words["number"]] and "semantic" in matched[by_meaning["number"]]
    assert agent.get("/api/search", params={"q": ""}).status_code == 422


@pytest.mark.parametrize("search", [True, False], ids=["search", "exact"])
def test_a_redis_outage_degrades_search_while_creates_go_on_and_the_backlog_catches_up(tmp_path, search):
    url = f"redis://127.0.0.1:{free_port()}/0"
    redis_server = ensure_redis(url, data_dir=tmp_path, search=search)
    # A database of its own: the outbox belongs to one database and one index, and the other devhosts of
    # this run would drain it into theirs.
    database_url = fresh_database(f"atiende_test_outage_{'search' if search else 'exact'}")
    host = Devhost(database_url, tmp_path / "devhost.log", REDIS_URL=url).start()
    agent = httpx.Client(base_url=host.base, cookies={"StaticWebAppsAuthCookie": principal_cookie("a@x", ["agent"])},
                         timeout=30)
    word = random_word()
    try:
        before = create(agent, f"The {word} label printer in shipping prints blank labels")
        wait_for_index(agent, before)

        redis_server.kill()
        redis_server.wait(timeout=10)
        during = create(agent, f"Shipping {word} label printer outputs empty labels")
        assert during["duplicate_candidates"] == []  # the ticket is stored all the same
        down = agent.get(f"/api/tickets/{during['number']}/similar")
        assert down.status_code == 503 and "Redis is not reachable" in down.json()["detail"]
        found = agent.get("/api/search", params={"q": f"{word} label printer"}).json()
        assert "Redis is not reachable" in found["degraded"]
        assert {before["number"], during["number"]} <= {i["number"] for i in found["items"]}
        health = agent.get("/api/health")
        assert health.status_code == 503 and health.json()["checks"]["redis"]["status"] == "unavailable"

        redis_server = ensure_redis(url, data_dir=tmp_path, search=search)
        # The new Redis is empty: the model check recreates the index, and only the outbox's backlog refills it,
        # so finding the outage's ticket proves the backlog was drained.
        items = wait_until_indexed(agent, before["number"], timeout=30)
        assert during["number"] in [i["number"] for i in items]
    finally:
        agent.close()
        host.stop()
        if redis_server is not None:
            redis_server.kill()
            redis_server.wait(timeout=10)


@pytest.fixture
def new_desk(search_redis, tmp_path):
    """A desk of its own: what triage suggests depends on every labelled ticket a desk has (its calibration
    chooses the blend on them), so a test about a few labelled tickets cannot share the suite's desk."""
    host = Devhost(fresh_database(f"atiende_triage_{random_word()}"), tmp_path / "devhost.log").start()
    agent, admin = (httpx.Client(base_url=host.base, timeout=30, cookies={
        "StaticWebAppsAuthCookie": principal_cookie(f"{role}@example.com", roles)})
        for role, roles in (("agent", ["agent"]), ("admin", ["admin", "agent"])))
    yield agent, admin
    agent.close()
    admin.close()
    host.stop()


def test_triage_suggests_the_labels_of_the_nearest_labelled_tickets(new_desk):
    agent, admin = new_desk
    word = random_word()
    group, category = f"Network {word}", f"Connectivity {word}"
    assert admin.post("/api/groups", json={"name": group}).status_code == 201
    assert admin.post("/api/categories", json={"name": category, "subcategories": ["VPN"]}).status_code == 201
    labelled = [create(agent, text, category=category, subcategory="VPN", assignment_group=group, impact=2, urgency=1)
                for text in (f"The {word} VPN drops every few minutes", f"{word} VPN connection keeps disconnecting",
                             f"Cannot stay connected to the {word} VPN from home")]
    for ticket in labelled:
        wait_for_index(agent, ticket)

    response = agent.post("/api/triage", json={
        "short_description": f"My {word} VPN keeps disconnecting",
        "description": "I work from home. Since this morning the VPN disconnects every five minutes. "
                       "Reconnecting works for a while. Then it drops again and I lose my session. My cat is fine."})
    assert response.status_code == 200, response.text
    suggested = response.json()
    assert suggested["category"]["value"] == category and suggested["category"]["confidence"] >= 0.5
    assert suggested["subcategory"]["value"] == "VPN" and suggested["assignment_group"]["value"] == group
    assert (suggested["impact"]["value"], suggested["urgency"]["value"]) == (2, 1)
    assert not suggested["low_confidence"]
    assert {t["number"] for t in labelled} <= set(suggested["neighbours"])
    assert "cat" not in suggested["summary"] and "VPN" in suggested["summary"]
    assert {t["number"] for t in labelled} & {c["number"] for c in suggested["duplicate_candidates"]}
    assert agent.post("/api/triage", json={"short_description": " "}).status_code == 422


def test_the_timer_trains_triage_on_the_labelled_tickets_and_triage_says_so(agent, admin):
    word = random_word()
    group = f"Facilities {word}"
    assert admin.post("/api/groups", json={"name": group}).status_code == 201
    made = [create(agent, f"{text} {word}", assignment_group=group)
            for text in ("El aire acondicionado gotea", "Hace muchísimo calor en la sala", "La calefacción no funciona")]
    deadline = time.monotonic() + 30
    while True:  # trained once the outbox timer has seen them (the tests retrain at every change)
        suggested = agent.post("/api/triage", json={"short_description": f"calefacción {word} estropeada"}).json()
        learned = suggested["classifier"]
        if learned and datetime.fromisoformat(learned["trained_at"]) > max(
                datetime.fromisoformat(t["opened_at"]) for t in made):
            break
        assert time.monotonic() < deadline, suggested
        time.sleep(0.5)
    assert learned["tickets"] >= 3
    assert suggested["assignment_group"]["value"] == group, suggested
    health = agent.get("/api/health").json()
    assert "classifier learned from" in health["checks"]["triage"]["detail"]
