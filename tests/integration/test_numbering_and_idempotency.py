"""Numbers under concurrent creates, and Idempotency-Key replays, through devhost and PostgreSQL."""
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.random_refs import random_name


def test_concurrent_creates_get_distinct_increasing_numbers(devhost, client_for):
    cookies = client_for("agent").cookies

    def create(i: int) -> str:
        with httpx.Client(base_url=devhost, cookies=cookies, timeout=30) as client:
            response = client.post("/api/tickets", json={"short_description": f"burst {i}"})
            assert response.status_code == 201, response.text
            return response.json()["number"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(create, range(48)))
    assert len(set(numbers)) == 48
    values = sorted(int(n[3:]) for n in numbers)
    assert values[0] >= 10001 and all(n.startswith("INC") and len(n) == 10 for n in numbers)


def test_a_failed_create_burns_its_number_and_nothing_reuses_it(agent, db):
    before = agent.post("/api/tickets", json={"short_description": "before"}).json()["number"]
    db.execute("SELECT nextval('ticket_number_seq')")  # a create that died after taking its number
    after = agent.post("/api/tickets", json={"short_description": "after"}).json()["number"]
    assert int(after[3:]) > int(before[3:]) + 1
    count = db.execute("SELECT count(*) FROM tickets WHERE number = %s", (after,)).fetchone()[0]
    assert count == 1


def test_a_retried_post_with_the_same_key_creates_once(agent, db):
    key = random_name("idem")
    body = {"short_description": random_name("retry me")}
    first = agent.post("/api/tickets", json=body, headers={"Idempotency-Key": key})
    second = agent.post("/api/tickets", json=body, headers={"Idempotency-Key": key})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    count = db.execute("SELECT count(*) FROM tickets WHERE short_description = %s", (body["short_description"],)).fetchone()[0]
    assert count == 1


def test_racing_retries_with_one_key_create_once(devhost, client_for, db):
    cookies = client_for("agent").cookies
    key = random_name("race")
    body = {"short_description": random_name("race")}

    def post(_: int) -> tuple[int, str]:
        with httpx.Client(base_url=devhost, cookies=cookies, timeout=30) as client:
            response = client.post("/api/tickets", json=body, headers={"Idempotency-Key": key})
            return response.status_code, response.json()["number"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(post, range(12)))
    assert {status for status, _ in results} == {201}
    assert len({number for _, number in results}) == 1
    count = db.execute("SELECT count(*) FROM tickets WHERE short_description = %s", (body["short_description"],)).fetchone()[0]
    assert count == 1


def test_a_key_reused_with_another_body_is_refused(agent):
    key = random_name("idem")
    assert agent.post("/api/tickets", json={"short_description": "one"}, headers={"Idempotency-Key": key}).status_code == 201
    reused = agent.post("/api/tickets", json={"short_description": "two"}, headers={"Idempotency-Key": key})
    assert reused.status_code == 422
    assert reused.json()["errors"] == [{"detail": "reused with a different body", "header": "Idempotency-Key"}]


def test_keys_belong_to_their_caller(client_for):
    key = random_name("shared")
    one = client_for("agent").post("/api/tickets", json={"short_description": "a"}, headers={"Idempotency-Key": key})
    two = client_for("agent").post("/api/tickets", json={"short_description": "a"}, headers={"Idempotency-Key": key})
    assert one.json()["number"] != two.json()["number"]


def test_a_create_that_fails_validation_does_not_burn_the_key(agent, db):
    key = random_name("idem")
    bad = agent.post("/api/tickets", json={"short_description": "x", "category": "Missing"}, headers={"Idempotency-Key": key})
    assert bad.status_code == 422
    good = agent.post("/api/tickets", json={"short_description": "x"}, headers={"Idempotency-Key": key})
    assert good.status_code == 201


def test_malformed_keys_are_refused(agent):
    response = agent.post("/api/tickets", json={"short_description": "x"}, headers={"Idempotency-Key": "k" * 300})
    assert response.status_code == 422 and response.json()["errors"][0]["header"] == "Idempotency-Key"


def test_a_number_past_inc9999999_is_still_a_ticket_number(agent, db):
    made = agent.post("/api/tickets", json={"short_description": random_name("eight digits")}).json()["number"]
    eight = "INC10000000"  # what numbering gives after INC9999999
    db.execute("UPDATE tickets SET number = %s WHERE number = %s", (eight, made))
    assert agent.get(f"/api/tickets/{eight}").json()["number"] == eight
    assert agent.patch(f"/api/tickets/{eight}", json={"urgency": 2}, headers={"If-Match": "*"}).status_code == 200
    assert agent.post(f"/api/tickets/{eight}/comments", json={"body": "still reachable"}).status_code == 201
    found = agent.get("/api/tickets", params={"q": "10000000"}).json()["items"]
    assert eight in [ticket["number"] for ticket in found]
    assert agent.get("/api/tickets/INC1234567890123").status_code in (404, 422)  # past twelve digits: never a number
