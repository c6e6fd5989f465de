"""Tickets through devhost over HTTP, on the real PostgreSQL."""
from tests.random_refs import random_name, random_phone


def create(client, **fields):
    body = {"short_description": random_name("Printer on fire"), **fields}
    response = client.post("/api/tickets", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def patch(client, number, changes, version=None):
    if version is None:
        version = client.get(f"/api/tickets/{number}").json()["version"]
    return client.patch(f"/api/tickets/{number}", json=changes, headers={"If-Match": f'"{version}"'})


def test_creating_a_ticket_returns_it_numbered_new_with_priority_and_sla(agent, reference_data):
    response = agent.post("/api/tickets", json={
        "short_description": "La VPN no conecta", "description": "Error 809 desde casa",
        "impact": 1, "urgency": 2, "category": reference_data["category"], "subcategory": "VPN",
        "assignment_group": reference_data["group"],
        "caller": {"name": "María González", "phone": random_phone(), "language": "es"},
    })
    assert response.status_code == 201
    ticket = response.json()
    assert ticket["number"].startswith("INC") and len(ticket["number"]) == 10
    assert (ticket["state"], ticket["priority"], ticket["version"], ticket["channel"]) == ("new", 2, 1, "web")
    assert ticket["opened_by"] == "agent@example.com"
    assert ticket["sla"]["response"]["stage"] == "in_progress"
    targets = {t["priority"]: t for t in agent.get("/api/sla-targets").json()["items"]}
    assert ticket["sla"]["resolution"]["target_minutes"] == targets[2]["resolution_minutes"]
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"/api/tickets/{ticket['number']}"
    read = agent.get(f"/api/tickets/{ticket['number']}").json()
    created_only = ("sla", "duplicate_candidates")
    assert {k: v for k, v in read.items() if k != "sla"} == {k: v for k, v in ticket.items() if k not in created_only}


def test_ticket_numbers_are_read_in_any_case(agent):
    ticket = create(agent)
    assert agent.get(f"/api/tickets/{ticket['number'].lower()}").json()["number"] == ticket["number"]


def test_defaults_are_low_impact_and_urgency(agent):
    ticket = create(agent)
    assert (ticket["impact"], ticket["urgency"], ticket["priority"]) == (3, 3, 5)


def test_a_known_phone_reuses_its_contact(agent, admin):
    phone = random_phone()
    first = create(agent, caller={"name": "John Carter", "phone": phone})
    national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
    second = create(agent, caller={"phone": national, "email": "john@example.com"})
    assert first["caller"]["id"] == second["caller"]["id"]
    assert second["caller"]["name"] == "John Carter" and second["caller"]["phone"] == phone
    found = admin.get("/api/contacts", params={"phone": phone}).json()["items"]
    assert [c["id"] for c in found] == [first["caller"]["id"]]
    listed = agent.get("/api/tickets", params={"caller_phone": phone}).json()["items"]
    assert {t["number"] for t in listed} == {first["number"], second["number"]}


def test_an_update_changes_fields_bumps_the_version_and_audits_each_change(agent, reference_data):
    ticket = create(agent, assignment_group=reference_data["group"], assigned_to="ana")
    response = patch(agent, ticket["number"], {"impact": 1, "urgency": 1, "assignment_group": reference_data["other_group"]}, 1)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["priority"], updated["version"], updated["assigned_to"]) == (1, 2, None)
    assert response.headers["etag"] == '"2"'
    audits = [(a["field"], a["old_value"], a["new_value"]) for a in
              agent.get(f"/api/tickets/{ticket['number']}/activity").json()["items"] if a["kind"] == "audit"]
    assert ("priority", "5", "1") in audits
    assert ("assignment_group", reference_data["group"], reference_data["other_group"]) in audits
    assert ("assigned_to", "ana", None) in audits


def test_a_stale_if_match_gets_412_and_changes_nothing(agent):
    ticket = create(agent)
    assert patch(agent, ticket["number"], {"description": "first"}, 1).status_code == 200
    stale = patch(agent, ticket["number"], {"description": "second"}, 1)
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert agent.get(f"/api/tickets/{ticket['number']}").json()["description"] == "first"


def test_an_update_without_if_match_gets_428(agent):
    ticket = create(agent)
    response = agent.patch(f"/api/tickets/{ticket['number']}", json={"description": "x"})
    assert response.status_code == 428
    assert response.json()["errors"] == [{"detail": "required", "header": "If-Match"}]


def test_the_state_machine_answers_409_for_forbidden_moves(agent):
    ticket = create(agent)
    number = ticket["number"]
    assert patch(agent, number, {"state": "closed"}).status_code == 409
    assert patch(agent, number, {"state": "canceled"}).status_code == 200
    final = patch(agent, number, {"state": "in_progress"})
    assert final.status_code == 409 and final.json()["title"] == "Conflict"
    assert agent.post(f"/api/tickets/{number}/comments", json={"body": "late"}).status_code == 409


def test_resolving_without_code_and_notes_is_422_with_both_fields(agent):
    ticket = create(agent)
    response = patch(agent, ticket["number"], {"state": "resolved"})
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"/close_code", "/close_notes"}
    resolved = patch(agent, ticket["number"], {"state": "resolved", "close_code": "solved_remotely",
                                                "close_notes": "Reset the VPN profile"})
    assert resolved.status_code == 200
    body = resolved.json()
    assert body["resolved_by"] == "agent@example.com" and body["sla"]["resolution"]["stage"] == "completed"


def test_on_hold_pauses_and_a_callers_comment_resumes(agent):
    ticket = create(agent)
    held = patch(agent, ticket["number"], {"state": "on_hold", "on_hold_reason": "awaiting_caller"}).json()
    assert held["sla"]["resolution"]["stage"] == "paused"
    comment = agent.post(f"/api/tickets/{ticket['number']}/comments",
                         json={"body": "Ya funciona a medias", "from_caller": True})
    assert comment.status_code == 201
    after = agent.get(f"/api/tickets/{ticket['number']}").json()
    assert (after["state"], after["on_hold_reason"]) == ("in_progress", None)
    assert after["sla"]["resolution"]["stage"] == "in_progress"


def test_comments_and_work_notes_come_back_in_order_with_the_audit(agent):
    ticket = create(agent)
    number = ticket["number"]
    agent.post(f"/api/tickets/{number}/comments", json={"body": "We are on it", "visibility": "public"})
    agent.post(f"/api/tickets/{number}/comments", json={"body": "Call vendor", "visibility": "internal"})
    items = agent.get(f"/api/tickets/{number}/activity").json()["items"]
    kinds = [(i["kind"], i["body"]) for i in items if i["kind"] != "audit"]
    assert kinds == [("comment", "We are on it"), ("work_note", "Call vendor")]
    assert [i["id"] for i in items] == sorted(i["id"] for i in items)
    assert items[0]["kind"] == "audit" and items[0]["field"] == "state" and items[0]["new_value"] == "new"


def test_the_first_public_comment_completes_the_response_clock(agent):
    ticket = create(agent)
    agent.post(f"/api/tickets/{ticket['number']}/comments", json={"body": "Looking", "visibility": "internal"})
    assert agent.get(f"/api/tickets/{ticket['number']}").json()["sla"]["response"]["stage"] == "in_progress"
    agent.post(f"/api/tickets/{ticket['number']}/comments", json={"body": "Looking into it"})
    assert agent.get(f"/api/tickets/{ticket['number']}").json()["sla"]["response"]["stage"] == "completed"


def test_parent_must_exist_and_not_loop(agent):
    parent = create(agent)
    child = create(agent, parent=parent["number"])
    assert child["parent"] == parent["number"]
    loop = patch(agent, parent["number"], {"parent": child["number"]})
    assert loop.status_code == 422 and loop.json()["errors"][0]["pointer"] == "/parent"
    missing = agent.post("/api/tickets", json={"short_description": "x", "parent": "INC9999999"})
    assert missing.status_code == 422


def test_unknown_references_are_422_with_every_field(agent, reference_data):
    response = agent.post("/api/tickets", json={
        "short_description": "x", "category": "Nope", "subcategory": "Nada", "assignment_group": "Nobody",
    })
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"/category", "/assignment_group"}
    wrong_sub = agent.post("/api/tickets", json={
        "short_description": "x", "category": reference_data["category"], "subcategory": "Printer"})
    assert wrong_sub.json()["errors"][0]["pointer"] == "/subcategory"


def test_an_update_looks_up_only_the_references_it_changes(agent, admin, reference_data):
    category = random_name("Retiring")
    made = admin.post("/api/categories", json={"name": category, "subcategories": ["Fax", "Telex"]})
    assert made.status_code == 201, made.text
    created = agent.post("/api/tickets", json={"short_description": "Fax line dead", "category": category,
                                               "subcategory": "Telex"})
    number, etag = created.json()["number"], created.headers["ETag"]
    retired = admin.put(f"/api/categories/{made.json()['id']}", json={"subcategories": ["Fax"]})
    assert retired.status_code == 200, retired.text
    urgent = agent.patch(f"/api/tickets/{number}", headers={"If-Match": etag}, json={"urgency": 1})
    assert urgent.status_code == 200, urgent.text  # the retired subcategory it already had does not stop it
    recategorized = agent.patch(f"/api/tickets/{number}", headers={"If-Match": urgent.headers["ETag"]},
                                json={"category": reference_data["category"], "subcategory": "Telex"})
    assert recategorized.status_code == 422  # what an update changes is checked
    assert recategorized.json()["errors"][0]["pointer"] == "/subcategory"
    assert agent.get(f"/api/tickets/{number}").json()["subcategory"] == "Telex"


def test_unknown_ticket_numbers_are_404(agent):
    for path in ("/api/tickets/INC9999998", "/api/tickets/INC9999998/activity", "/api/tickets/%00",
                 "/api/tickets/" + "A" * 5000, "/api/tickets/INC0010001%27%20OR%201=1", "/api/tickets/%F0%9F%9A%91"):
        response = agent.get(path)
        assert response.status_code == 404 and response.headers["content-type"].startswith("application/problem+json")
    assert patch(agent, "INC9999998", {"description": "x"}, 1).status_code == 404
    assert agent.post("/api/tickets/INC9999998/comments", json={"body": "x"}).status_code == 404
