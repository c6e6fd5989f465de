"""Authentication and authorization on every route, for each role and each API key scope."""
import base64

import pytest

from tests.random_refs import random_name

ROUTES = [
    # method, path, body, permission
    ("POST", "/api/tickets", {"short_description": "x"}, "tickets:write"),
    ("GET", "/api/tickets", None, "tickets:read"),
    ("GET", "/api/tickets/{n}", None, "tickets:read"),
    ("PATCH", "/api/tickets/{n}", {"description": "y"}, "tickets:write"),
    ("POST", "/api/tickets/{n}/comments", {"body": "hi"}, "tickets:write"),
    ("GET", "/api/tickets/{n}/activity", None, "tickets:read"),
    ("POST", "/api/groups", {"name": "G"}, "reference:write"),
    ("GET", "/api/groups", None, "reference:read"),
    ("POST", "/api/categories", {"name": "C"}, "reference:write"),
    ("GET", "/api/categories", None, "reference:read"),
    ("GET", "/api/sla-targets", None, "reference:read"),
    ("PUT", "/api/sla-targets/5", {"response_minutes": 1440, "resolution_minutes": 14400}, "reference:write"),
    ("GET", "/api/contacts?phone=%2B12025550100", None, "reference:read"),
    ("POST", "/api/api-keys", {"name": "k", "scopes": ["tickets:read"]}, "api_keys:manage"),
    ("GET", "/api/api-keys", None, "api_keys:manage"),
    ("DELETE", "/api/api-keys/999999", None, "api_keys:manage"),
    ("GET", "/api/calls", None, "tickets:read"),
    ("GET", "/api/calls/CA00000000000000000000000000000000", None, "tickets:read"),
    ("GET", "/api/calls/CA00000000000000000000000000000000/recording", None, "tickets:read"),
    ("GET", "/api/tickets/{n}/similar", None, "tickets:read"),
    ("POST", "/api/tickets/{n}/mark-duplicate", {"of": "INC9999999"}, "tickets:write"),
    ("GET", "/api/search?q=printer", None, "tickets:read"),
    ("GET", "/api/dashboard", None, "tickets:read"),
    ("GET", "/api/groups/999999/members", None, "reference:read"),
    ("POST", "/api/groups/999999/members", {"user_name": "ana@example.com", "display_name": "Ana"}, "reference:write"),
    ("DELETE", "/api/groups/999999/members/ana%40example.com", None, "reference:write"),
    ("PUT", "/api/categories/999999", {"subcategories": ["VPN"]}, "reference:write"),
    ("POST", "/api/contacts/999999999/erase", None, "callers:erase"),
    ("POST", "/api/triage", {"short_description": "printer jam"}, "tickets:read"),
    ("GET", "/api/triage/quality", None, "reference:write"),
    ("GET", "/api/articles", None, "tickets:read"),
    ("POST", "/api/articles", {"title": "Access", "body": "x", "language": "en"}, "tickets:write"),
    ("GET", "/api/articles/search?q=printer", None, "tickets:read"),
    ("GET", "/api/articles/999999", None, "tickets:read"),
    ("PATCH", "/api/articles/999999", {"title": "y"}, "tickets:write"),
    ("POST", "/api/tickets/{n}/article", None, "tickets:write"),
    ("GET", "/api/tickets/{n}/articles", None, "tickets:read"),
    ("GET", "/api/tickets/{n}/attachments", None, "tickets:read"),
    ("GET", "/api/tickets/{n}/attachments/999999", None, "tickets:read"),
    ("PATCH", "/api/contacts/999999999/channels", {"email_opted_out": True}, "tickets:write"),
    ("PATCH", "/api/contacts/999999999", {"name": "Ana"}, "tickets:write"),
    ("GET", "/api/contacts/999999999/changes", None, "reference:read"),
    ("GET", "/api/agents?q=ana", None, "reference:read"),
    ("GET", "/api/changes", None, "tickets:read"),
    ("GET", "/api/dashboard/satisfaction", None, "tickets:read"),
    ("GET", "/api/tickets.csv", None, "tickets:read"),
    ("GET", "/api/tickets/{n}/attachments/999999?inline=1", None, "tickets:read"),
    ("POST", "/api/tickets/{n}/uploads", {"filename": "a.png", "content_type": "image/png", "size": 10}, "tickets:write"),
    ("POST", "/api/tickets/{n}/uploads/00000000-0000-4000-8000-000000000000/complete", {}, "tickets:write"),
    ("GET", "/api/canned-replies", None, "tickets:read"),
    ("POST", "/api/canned-replies", {"title": "Thanks", "body": "Hola {{caller.name}}", "language": "es"},
     "reference:write"),
    ("GET", "/api/canned-replies/999999", None, "tickets:read"),
    ("PATCH", "/api/canned-replies/999999", {"title": "y"}, "reference:write"),
    ("DELETE", "/api/canned-replies/999999", None, "reference:write"),
    ("GET", "/api/tickets/{n}/canned-replies/999999/render", None, "tickets:read"),
]
GRANTS = {
    "agent": {"tickets:read", "tickets:write", "reference:read"},
    "admin": {"tickets:read", "tickets:write", "reference:read", "reference:write", "api_keys:manage",
              "callers:erase"},
    "no role": set(),
    "key tickets:read": {"tickets:read", "reference:read"},
    "key tickets:write": {"tickets:write"},
    "key both": {"tickets:read", "tickets:write", "reference:read"},
}


@pytest.fixture(scope="module")
def callers(client_for, api_key):
    return {
        "agent": client_for("agent"),
        "admin": client_for("admin"),
        "no role": client_for(user="visitor@example.com"),
        "key tickets:read": client_for(key=api_key("tickets:read")),
        "key tickets:write": client_for(key=api_key("tickets:write")),
        "key both": client_for(key=api_key("tickets:read", "tickets:write")),
    }


@pytest.fixture(scope="module")
def ticket_number(admin):
    return admin.post("/api/tickets", json={"short_description": "access"}).json()["number"]


def send(client, method, path, body, number, version=None):
    headers = {}
    if method == "PATCH":
        headers["If-Match"] = "*"
    return client.request(method, path.replace("{n}", number), json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body", "permission"), ROUTES)
def test_no_credentials_is_401(anonymous, ticket_number, method, path, body, permission):
    response = send(anonymous, method, path, body, ticket_number)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Bearer" in response.headers["www-authenticate"]


@pytest.mark.parametrize("who", list(GRANTS))
@pytest.mark.parametrize(("method", "path", "body", "permission"), ROUTES)
def test_each_role_and_scope_gets_exactly_its_permissions(callers, ticket_number, who, method, path, body, permission):
    if body and "name" in body:
        body = {**body, "name": f"{body['name']}-{who}-{path.count('/')}-{method}"}
    response = send(callers[who], method, path, body, ticket_number)
    if permission in GRANTS[who]:
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == 403, response.text


@pytest.mark.parametrize("key", ["", "atk_not_a_real_key", "dXNlcjpwYXNz", "atk_" + "x" * 500])
def test_bad_api_keys_are_401(client_for, key):
    response = client_for().get("/api/tickets", headers={"X-Api-Key": key})
    assert response.status_code == 401


def test_the_static_web_app_replaces_authorization_so_keys_travel_in_x_api_key(client_for, api_key):
    key = api_key("tickets:read")
    assert client_for().get("/api/tickets", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert client_for().get("/api/tickets", headers={"X-Api-Key": key}).status_code == 200


def test_a_bearer_key_works_when_the_function_app_is_called_directly(uow, api_key):
    from domain.services.access import authenticate
    from tests.conftest import on_own_loop

    key = api_key("tickets:write")
    who = on_own_loop(authenticate(None, f"Bearer {key}", None, uow))
    assert who.kind == "api_key" and who.permissions == {"tickets:write"}


def test_the_platforms_own_bearer_token_is_not_a_key(uow):
    from domain.errors import NotAuthenticated
    from domain.services.access import authenticate
    from tests.conftest import on_own_loop

    with pytest.raises(NotAuthenticated):
        on_own_loop(authenticate(None, "Bearer eyJhbGciOiJIUzI1NiJ9.platform", None, uow))
    who = on_own_loop(authenticate(base64.b64encode(b'{"userDetails":"ana","userRoles":["agent"]}').decode(),
                               "Bearer eyJhbGciOiJIUzI1NiJ9.platform", None, uow))
    assert who.name == "ana"


def test_a_revoked_key_stops_working_at_once(admin, client_for):
    created = admin.post("/api/api-keys", json={"name": "to revoke", "scopes": ["tickets:read"]}).json()
    client = client_for(key=created["key"])
    assert client.get("/api/tickets").status_code == 200
    revoked = admin.delete(f"/api/api-keys/{created['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/api/tickets").status_code == 401
    assert admin.delete(f"/api/api-keys/{created['id']}").status_code == 200


def test_a_key_in_use_shows_when_it_was_last_used_written_at_most_once_a_minute(admin, client_for, db):
    created = admin.post("/api/api-keys", json={"name": random_name("used"), "scopes": ["tickets:read"]}).json()
    assert created["last_used_at"] is None
    client = client_for(key=created["key"])
    assert client.get("/api/tickets").status_code == 200
    first = db.execute("SELECT last_used_at FROM api_keys WHERE id = %s", (created["id"],)).fetchone()[0]
    assert first is not None
    assert client.get("/api/tickets").status_code == 200
    assert db.execute("SELECT last_used_at FROM api_keys WHERE id = %s", (created["id"],)).fetchone()[0] == first
    listed = next(k for k in admin.get("/api/api-keys").json()["items"] if k["id"] == created["id"])
    assert listed["last_used_at"] is not None


def test_keys_are_listed_without_their_secret(admin, db):
    created = admin.post("/api/api-keys", json={"name": "listed", "scopes": ["tickets:write"]}).json()
    listed = admin.get("/api/api-keys").json()["items"]
    mine = next(k for k in listed if k["id"] == created["id"])
    assert "key" not in mine and mine["prefix"] == created["key"][:12]
    stored = db.execute("SELECT key_hash FROM api_keys WHERE id = %s", (created["id"],)).fetchone()[0]
    assert created["key"] not in stored and len(stored) == 64


def test_a_ticket_created_with_a_key_is_opened_by_the_key_on_the_api_channel(client_for, api_key):
    client = client_for(key=api_key("tickets:read", "tickets:write"))
    ticket = client.post("/api/tickets", json={"short_description": "from the CRM"}).json()
    assert ticket["channel"] == "api" and ticket["opened_by"].startswith("api:")


def test_a_forged_principal_header_is_dropped_by_the_static_web_app(anonymous):
    forged = base64.b64encode(b'{"userDetails":"evil","userRoles":["admin"]}').decode()
    response = anonymous.get("/api/api-keys", headers={"x-ms-client-principal": forged})
    assert response.status_code == 401


def test_health_needs_no_credentials(anonymous):
    response = anonymous.get("/api/health")
    assert response.status_code == 200 and response.json()["checks"]["postgresql"]["status"] == "ok"


def test_the_roles_source_maps_entra_app_roles(anonymous):
    claims = [{"typ": "roles", "val": "agent"}, {"typ": "roles", "val": "owner"}, {"typ": "name", "val": "admin"}]
    response = anonymous.post("/api/roles", json={"identityProvider": "aad", "userId": "1",
                                                  "userDetails": "ana@example.com", "claims": claims})
    assert response.status_code == 200 and response.json() == {"roles": ["agent"]}


def test_a_write_only_key_gets_receipts_not_the_data_it_could_not_read(client_for, api_key, agent):
    writer = client_for(key=api_key("tickets:write"))
    agent.post("/api/tickets", json={"short_description": "Receipt printer shows a paper jam",
                                     "caller": {"name": "Marta Secreta", "phone": "+34600111222"}})
    created = writer.post("/api/tickets", json={"short_description": "Receipt printer shows a paper jam",
                                                "caller": {"phone": "+34600111222"}})
    assert created.status_code == 201 and set(created.json()) == {"number", "version"}
    assert created.headers["etag"] == f'"{created.json()["version"]}"' and created.headers["location"]
    assert "Marta" not in created.text and "no-store" in created.headers["cache-control"]
    number = created.json()["number"]
    assert writer.get(f"/api/tickets/{number}").status_code == 403

    patched = writer.patch(f"/api/tickets/{number}", json={"impact": 1}, headers={"If-Match": created.headers["etag"]})
    assert patched.status_code == 200 and patched.json() == {"number": number, "version": 2}
    comment = writer.post(f"/api/tickets/{number}/comments", json={"body": "Called back"})
    assert comment.status_code == 201 and set(comment.json()) == {"id"}
    article = writer.post("/api/articles", json={"title": "Paper jams", "body": "Open tray 2.", "language": "en"})
    assert article.status_code == 201 and set(article.json()) == {"id", "version"}

    # What it wrote is there in full for a reader, and refusals are still problems, not receipts.
    full = agent.get(f"/api/tickets/{number}").json()
    assert full["impact"] == 1 and full["caller"]["name"] == "Marta Secreta"
    stale = writer.patch(f"/api/tickets/{number}", json={"impact": 2}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["content-type"].startswith("application/problem+json")


def test_a_key_that_may_read_gets_the_whole_answer_to_its_writes(client_for, api_key):
    both = client_for(key=api_key("tickets:read", "tickets:write"))
    created = both.post("/api/tickets", json={"short_description": "Monitor flickers"}).json()
    assert created["short_description"] == "Monitor flickers" and "duplicate_candidates" in created
