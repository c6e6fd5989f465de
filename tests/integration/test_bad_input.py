"""Bad input on every route: 4xx problem+json with field paths, and nothing written."""
import pytest

from tests.random_refs import random_name

WRITE_ROUTES = [
    ("POST", "/api/tickets", {"short_description": "ok"}),
    ("PATCH", "/api/tickets/{n}", {"description": "ok"}),
    ("POST", "/api/tickets/{n}/comments", {"body": "ok"}),
    ("POST", "/api/groups", {"name": "ok"}),
    ("POST", "/api/categories", {"name": "ok", "subcategories": []}),
    ("PUT", "/api/sla-targets/4", {"response_minutes": 480, "resolution_minutes": 7200}),
    ("POST", "/api/api-keys", {"name": "ok", "scopes": ["tickets:read"]}),
    ("POST", "/api/tickets/{n}/mark-duplicate", {"of": "INC0010001"}),
    ("POST", "/api/triage", {"short_description": "ok"}),
    ("POST", "/api/articles", {"title": "ok", "body": "ok", "language": "en"}),
    ("POST", "/api/groups/999999/members", {"user_name": "ana@example.com", "display_name": "Ana"}),
    ("PUT", "/api/categories/999999", {"subcategories": ["ok"]}),
]
TABLES = ["tickets", "ticket_activity", "contacts", "assignment_groups", "categories", "api_keys", "idempotency_keys",
          "articles", "group_members"]


@pytest.fixture(scope="module")
def number(admin):
    return admin.post("/api/tickets", json={"short_description": "target of bad input"}).json()["number"]


def snapshot(db):
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608 - fixed names
    counts["versions"] = db.execute("SELECT sum(version) FROM tickets").fetchone()[0]
    counts["sla"] = db.execute("SELECT array_agg(response_minutes ORDER BY priority) FROM sla_targets").fetchone()[0]
    return counts


def send(admin, method, path, number, **kwargs):
    headers = kwargs.pop("headers", {})
    if method == "PATCH":
        headers.setdefault("If-Match", "*")
    return admin.request(method, path.replace("{n}", number), headers=headers, **kwargs)


def assert_problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    return problem


def mutate(body: dict, how: str) -> object:
    key = next(iter(body))
    value = body[key]
    return {
        "wrong type": {**body, key: 12345 if isinstance(value, str) else "12345"},
        "null": {**body, key: None},
        "unknown field": {**body, "is_admin": True},
        "missing field": {k: v for k, v in body.items() if k != key} if key != "description" else {"short_description": None},
        "array": [body],
        "nul byte": {**body, key: "a\x00b"} if isinstance(value, str) else {**body, key: -1},
        "too long": {**body, key: "x" * 40_000} if isinstance(value, str) else {**body, key: 10**12},
    }[how]


@pytest.mark.parametrize(("method", "path", "body"), WRITE_ROUTES)
@pytest.mark.parametrize("how", ["wrong type", "null", "unknown field", "missing field", "array", "nul byte", "too long"])
def test_invalid_bodies_are_422_with_pointers_and_write_nothing(admin, db, number, method, path, body, how):
    if path.startswith("/api/sla-targets") and how == "missing field":
        body = {"resolution_minutes": 10}
    before = snapshot(db)
    payload = mutate(body, how)
    if path.startswith("/api/sla-targets") and how == "missing field":
        payload = body
    response = send(admin, method, path, number, json=payload)
    problem = assert_problem(response, 422)
    assert problem["errors"] and all("pointer" in e and e["pointer"].startswith("/") for e in problem["errors"])
    assert snapshot(db) == before


@pytest.mark.parametrize(("method", "path", "body"), WRITE_ROUTES)
def test_broken_json_is_400(admin, db, number, method, path, body):
    before = snapshot(db)
    response = send(admin, method, path, number, content=b'{"short_description": "x",',
                    headers={"Content-Type": "application/json"})
    assert_problem(response, 400)
    empty = send(admin, method, path, number, content=b"", headers={"Content-Type": "application/json"})
    assert_problem(empty, 400)
    assert snapshot(db) == before


@pytest.mark.parametrize(("method", "path", "body"), WRITE_ROUTES)
def test_a_body_that_is_not_json_is_415(admin, db, number, method, path, body):
    before = snapshot(db)
    response = send(admin, method, path, number, content=b"short_description=x",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(response, 415)
    assert snapshot(db) == before


@pytest.mark.parametrize(("method", "path", "body"), WRITE_ROUTES)
def test_huge_bodies_are_413(admin, db, number, method, path, body):
    before = snapshot(db)
    huge = b'{"short_description": "' + b"x" * 2_000_000 + b'"}'
    response = send(admin, method, path, number, content=huge, headers={"Content-Type": "application/json"})
    assert_problem(response, 413)
    assert snapshot(db) == before


@pytest.mark.parametrize("payload", [
    "Robert'); DROP TABLE tickets;--",
    "<script>alert('xss')</script><img src=x onerror=alert(1)>",
    "{{7*7}} ${7*7} %s %(x)s \\x00",
    "ñandú — 漢字 — 🚑 — \u202e",
])
def test_sql_and_script_payloads_are_stored_and_returned_verbatim(agent, payload):
    created = agent.post("/api/tickets", json={"short_description": payload[:160], "description": payload,
                                               "caller": {"name": payload[:200]}})
    assert created.status_code == 201, created.text
    read = agent.get(f"/api/tickets/{created.json()['number']}").json()
    assert (read["short_description"], read["description"], read["caller"]["name"]) == (payload[:160], payload, payload[:200])
    comment = agent.post(f"/api/tickets/{read['number']}/comments", json={"body": payload})
    assert comment.json()["body"] == payload


@pytest.mark.parametrize("phone", ["hello", "+1", "12", "+99999999999999999999"])
def test_impossible_phone_numbers_are_422_at_the_phone(agent, db, phone):
    before = snapshot(db)
    response = agent.post("/api/tickets", json={"short_description": "x", "caller": {"phone": phone}})
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["pointer"] == "/caller/phone"
    assert snapshot(db) == before


@pytest.mark.parametrize("query", ["phone=abc", "foo=1", "", "email=not-an-email", "phone=%00"])
def test_bad_contact_lookups_are_422(admin, query):
    problem = assert_problem(admin.get(f"/api/contacts?{query}"), 422)
    assert all("parameter" in e for e in problem["errors"])


@pytest.mark.parametrize("key_id", ["99999999999999999999999999", "-1", "0"])
def test_revoking_a_key_that_does_not_exist_is_404(admin, key_id):
    assert_problem(admin.delete(f"/api/api-keys/{key_id}"), 404)


def test_a_bad_if_match_is_400(admin, number):
    response = admin.patch(f"/api/tickets/{number}", json={"description": "x"}, headers={"If-Match": "yesterday"})
    assert_problem(response, 400)


def test_strings_do_not_become_numbers(agent):
    response = agent.post("/api/tickets", json={"short_description": "x", "impact": "1"})
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["pointer"] == "/impact"


def test_unknown_paths_and_methods_are_problems(agent):
    assert_problem(agent.get("/api/nothing-here"), 404)
    not_allowed = agent.delete("/api/tickets")
    assert_problem(not_allowed, 405)
    assert set(not_allowed.headers["allow"].split(", ")) == {"GET", "POST"}


def test_duplicate_reference_names_are_409(admin):
    name = random_name("dup")
    assert admin.post("/api/groups", json={"name": name}).status_code == 201
    assert_problem(admin.post("/api/groups", json={"name": name}), 409)
    assert admin.post("/api/categories", json={"name": name}).status_code == 201
    assert_problem(admin.post("/api/categories", json={"name": name}), 409)
    repeated = admin.post("/api/categories", json={"name": random_name("c"), "subcategories": ["A", "A"]})
    assert assert_problem(repeated, 422)["errors"][0]["pointer"] == "/subcategories"


def test_sla_targets_are_read_and_set_per_priority(admin, agent):
    targets = agent.get("/api/sla-targets").json()["items"]
    assert [t["priority"] for t in targets] == [1, 2, 3, 4, 5]
    set_ = admin.put("/api/sla-targets/4", json={"response_minutes": 480, "resolution_minutes": 7200})
    assert set_.status_code == 200 and set_.json() == {"priority": 4, "response_minutes": 480, "resolution_minutes": 7200}
    assert_problem(admin.put("/api/sla-targets/6", json={"response_minutes": 1, "resolution_minutes": 2}), 422)
    inverted = admin.put("/api/sla-targets/4", json={"response_minutes": 500, "resolution_minutes": 100})
    assert assert_problem(inverted, 422)["errors"][0]["pointer"] == "/response_minutes"
