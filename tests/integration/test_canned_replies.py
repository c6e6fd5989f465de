"""Canned replies over HTTP on devhost: admins keep them, agents see the whole desk's and their groups', and one
is filled in for a ticket; bad placeholders are refused at their field."""
from __future__ import annotations

from tests.random_refs import random_name


def group_with(admin, user: str) -> str:
    group = admin.post("/api/groups", json={"name": random_name("Replies")}).json()
    added = admin.post(f"/api/groups/{group['id']}/members", json={"user_name": user, "display_name": "Ana Ruiz"})
    assert added.status_code == 201
    return group["name"]


def test_admins_write_replies_and_agents_see_the_desks_and_their_groups(admin, client_for):
    user = f"{random_name('agent')}@example.com"
    agent = client_for("agent", user=user)
    mine, other = group_with(admin, user), admin.post("/api/groups", json={"name": random_name("Other")}).json()["name"]
    desk = admin.post("/api/canned-replies", json={"title": random_name("Desk"), "body": "Hola {{caller.name}}",
                                                   "language": "es"})
    assert desk.status_code == 201 and desk.headers["etag"] == '"1"' and desk.json()["assignment_group"] is None
    ours = admin.post("/api/canned-replies", json={"title": random_name("Ours"), "body": "Hi", "language": "en",
                                                   "assignment_group": mine}).json()
    theirs = admin.post("/api/canned-replies", json={"title": random_name("Theirs"), "body": "Hi", "language": "en",
                                                     "assignment_group": other}).json()
    seen = {r["id"] for r in agent.get("/api/canned-replies").json()["items"]}
    assert {desk.json()["id"], ours["id"]} <= seen and theirs["id"] not in seen
    english = {r["id"] for r in agent.get("/api/canned-replies", params={"language": "en"}).json()["items"]}
    assert ours["id"] in english and desk.json()["id"] not in english
    for_other = {r["id"] for r in agent.get("/api/canned-replies", params={"assignment_group": other}).json()["items"]}
    assert desk.json()["id"] in for_other and ours["id"] not in for_other and theirs["id"] not in for_other
    assert theirs["id"] in {r["id"] for r in admin.get("/api/canned-replies").json()["items"]}
    assert agent.get(f"/api/canned-replies/{theirs['id']}").status_code == 404
    assert agent.post("/api/canned-replies", json={"title": "x", "body": "y", "language": "es"}).status_code == 403


def test_a_reply_is_edited_with_if_match_and_deleted(admin):
    reply = admin.post("/api/canned-replies", json={"title": random_name("Edit"), "body": "v1", "language": "es"})
    path = f"/api/canned-replies/{reply.json()['id']}"
    assert admin.patch(path, json={"body": "v2"}).status_code == 428
    changed = admin.patch(path, json={"body": "Gracias, {{ agent.name }}", "language": "en"},
                          headers={"If-Match": reply.headers["etag"]})
    assert changed.status_code == 200 and changed.json()["version"] == 2 and changed.headers["etag"] == '"2"'
    assert (changed.json()["body"], changed.json()["language"]) == ("Gracias, {{ agent.name }}", "en")
    stale = admin.patch(path, json={"title": "late"}, headers={"If-Match": reply.headers["etag"]})
    assert stale.status_code == 412 and stale.headers["content-type"].startswith("application/problem+json")
    assert admin.delete(path).status_code == 204
    assert admin.get(path).status_code == 404 and admin.delete(path).status_code == 404


def test_unknown_placeholders_and_groups_are_refused_with_their_field(admin):
    refused = admin.post("/api/canned-replies", json={"title": "Bad", "body": "Dear {{caler.name}}", "language": "en"})
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["pointer"] == "/body"
    assert refused.json()["errors"][0]["code"] == "unknown_placeholder"
    unclosed = admin.post("/api/canned-replies", json={"title": "Bad", "body": "Hola {{caller.name", "language": "es"})
    assert unclosed.status_code == 422 and unclosed.json()["errors"][0]["code"] == "unclosed_placeholder"
    nogroup = admin.post("/api/canned-replies", json={"title": "Bad", "body": "x", "language": "es",
                                                      "assignment_group": random_name("Nope")})
    assert nogroup.status_code == 422 and nogroup.json()["errors"][0]["pointer"] == "/assignment_group"
    for bad, pointer in (({"title": "x", "body": "y", "language": "fr"}, "/language"),
                         ({"title": "", "body": "y", "language": "es"}, "/title")):
        answer = admin.post("/api/canned-replies", json=bad)
        assert answer.status_code == 422 and answer.json()["errors"][0]["pointer"] == pointer
    reply = admin.post("/api/canned-replies", json={"title": random_name("Ok"), "body": "ok", "language": "es"})
    patched = admin.patch(f"/api/canned-replies/{reply.json()['id']}", json={"body": "{{ticket.secret}}"},
                          headers={"If-Match": "*"})
    assert patched.status_code == 422 and patched.json()["errors"][0]["pointer"] == "/body"


def test_a_reply_renders_for_the_ticket_and_the_agent_as_plain_text(admin, client_for):
    user = f"{random_name('agent')}@example.com"
    agent = client_for("agent", user=user)
    group = group_with(admin, user)
    body = ("Hola {{caller.name}}, soy {{agent.name}}. Su incidencia {{ticket.number}} ({{ticket.short_description}})"
            " está {{ticket.state}}, prioridad {{ticket.priority}}, con {{ticket.assignment_group}}.")
    reply = admin.post("/api/canned-replies", json={"title": random_name("Status"), "body": body, "language": "es",
                                                    "assignment_group": group}).json()
    ticket = agent.post("/api/tickets", json={"short_description": "<b>Sin red</b> {{agent.name}}",
                                              "caller": {"name": "Marta Gil", "phone": "+34600123123"},
                                              "assignment_group": group}).json()
    rendered = agent.get(f"/api/tickets/{ticket['number']}/canned-replies/{reply['id']}/render")
    assert rendered.status_code == 200, rendered.text
    assert rendered.json()["body"] == (
        f"Hola Marta Gil, soy Ana Ruiz. Su incidencia {ticket['number']} (<b>Sin red</b> {{{{agent.name}}}}) está "
        f"Nueva, prioridad 5 - Planificación, con {group}.")
    assert rendered.json()["missing"] == []
    bare = agent.post("/api/tickets", json={"short_description": "No caller"}).json()
    anonymous = agent.get(f"/api/tickets/{bare['number']}/canned-replies/{reply['id']}/render").json()
    assert anonymous["body"].startswith("Hola cliente, soy Ana Ruiz.") and "la mesa de ayuda" in anonymous["body"]
    assert anonymous["missing"] == ["caller.name", "ticket.assignment_group"]
    assert agent.get(f"/api/tickets/INC9999999/canned-replies/{reply['id']}/render").status_code == 404
    outsider = client_for("agent", user=f"{random_name('outsider')}@example.com")
    assert outsider.get(f"/api/tickets/{bare['number']}/canned-replies/{reply['id']}/render").status_code == 404
