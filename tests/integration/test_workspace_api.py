"""The workspace's second pass through devhost on the real PostgreSQL: contacts changed only on purpose, agents as
a directory, the desk's notes as keys, a duplicate's caller told, and live updates by conditional polling."""
import httpx

from tests.conftest import principal_cookie
from tests.random_refs import random_name, random_phone


def create(client, **fields):
    response = client.post("/api/tickets", json={"short_description": random_name("Printer on fire"), **fields})
    assert response.status_code == 201, response.text
    return response.json()


def version_of(client, number):
    return f'"{client.get(f"/api/tickets/{number}").json()["version"]}"'


def test_another_name_for_a_known_number_is_kept_on_its_ticket_and_the_contact_stays_as_it_was(agent):
    phone = random_phone()
    first = create(agent, caller={"name": "John Carter", "phone": phone})
    second = create(agent, caller={"name": "Jane Carter", "phone": phone})
    assert second["caller"]["id"] == first["caller"]["id"]
    assert (second["caller"]["name"], second["caller"]["contact_name"]) == ("Jane Carter", "John Carter")
    # Nothing about John changed: his first ticket, his contact, the list's caller column.
    assert agent.get(f"/api/tickets/{first['number']}").json()["caller"]["name"] == "John Carter"
    assert agent.get("/api/contacts", params={"phone": phone}).json()["items"][0]["name"] == "John Carter"
    listed = {t["number"]: t["caller"]["name"] for t in
              agent.get("/api/tickets", params={"caller_phone": phone, "sort": "caller"}).json()["items"]}
    assert listed == {first["number"]: "John Carter", second["number"]: "Jane Carter"}
    # The same name however it is typed is the contact's, not another caller.
    third = create(agent, caller={"name": "  john   CARTER ", "phone": phone})
    assert third["caller"]["name"] == "John Carter"
    # A known contact without a name keeps none until someone names it on purpose.
    unnamed_phone = random_phone()
    create(agent, caller={"phone": unnamed_phone})
    named_here = create(agent, caller={"name": "Luis", "phone": unnamed_phone})
    assert (named_here["caller"]["name"], named_here["caller"]["contact_name"]) == ("Luis", None)


def test_renaming_a_contact_is_its_own_audited_action(agent, admin):
    phone = random_phone()
    ticket = create(agent, caller={"name": "John Carter", "phone": phone})
    other = create(agent, caller={"name": "Jane Carter", "phone": phone})
    contact = ticket["caller"]["id"]
    renamed = agent.patch(f"/api/contacts/{contact}", json={"name": "Jonathan Carter", "language": "en"})
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["language"]) == ("Jonathan Carter", "en")
    assert agent.get(f"/api/tickets/{ticket['number']}").json()["caller"]["name"] == "Jonathan Carter"
    assert agent.get(f"/api/tickets/{other['number']}").json()["caller"]["name"] == "Jane Carter"
    changes = agent.get(f"/api/contacts/{contact}/changes").json()["items"]
    assert {(c["field"], c["old_value"], c["new_value"], c["actor"]) for c in changes} == {
        ("name", "John Carter", "Jonathan Carter", "agent@example.com"), ("language", "es", "en", "agent@example.com")}
    # Opting out is a change on purpose too, and audited the same way.
    assert agent.patch(f"/api/contacts/{contact}/channels", json={"sms_opted_out": True}).status_code == 200
    assert ("sms_opted_out", "false", "true") in {
        (c["field"], c["old_value"], c["new_value"]) for c in agent.get(f"/api/contacts/{contact}/changes").json()["items"]}


def test_bad_contact_changes_are_refused_and_change_nothing(agent, anonymous, client_for):
    ticket = create(agent, caller={"name": "Ada Byron", "phone": random_phone()})
    contact = ticket["caller"]["id"]
    for body, pointer in (({}, ""), ({"language": None}, "/language"), ({"language": "fr"}, "/language"),
                          ({"name": "x" * 300}, "/name"), ({"name": "\u200b"}, "/name"), ({"phone": "+1"}, "/phone"),
                          ({"email": "not-mail"}, "/email")):
        response = agent.patch(f"/api/contacts/{contact}", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert pointer in {e.get("pointer", "") for e in response.json()["errors"]}, (body, response.json())
    assert agent.patch("/api/contacts/999999999", json={"name": "Nobody"}).status_code == 404
    assert agent.patch(f"/api/contacts/{contact}", content=b"{", headers={"Content-Type": "application/json"}).status_code == 400
    assert anonymous.patch(f"/api/contacts/{contact}", json={"name": "Mallory"}).status_code == 401
    assert client_for("reader", user=random_name("reader")).patch(
        f"/api/contacts/{contact}", json={"name": "Mallory"}).status_code == 403
    assert agent.get(f"/api/tickets/{ticket['number']}").json()["caller"]["name"] == "Ada Byron"
    assert agent.get(f"/api/contacts/{contact}/changes").json()["items"] == []


def test_a_ticket_is_assigned_only_to_an_agent_of_its_group(agent, admin, reference_data):
    group = reference_data["group"]
    refused = agent.post("/api/tickets", json={"short_description": "x", "assignment_group": group,
                                               "assigned_to": "nobody@nowhere"})
    assert refused.status_code == 422
    assert [(e["pointer"], e["code"]) for e in refused.json()["errors"]] == [("/assigned_to", "not_member")]
    ticket = create(agent, assignment_group=group, assigned_to="ana")
    moved = agent.patch(f"/api/tickets/{ticket['number']}", json={"assigned_to": "lucia"},
                        headers={"If-Match": version_of(agent, ticket["number"])})
    assert moved.status_code == 422 and moved.json()["errors"][0]["pointer"] == "/assigned_to"
    assert agent.get(f"/api/tickets/{ticket['number']}").json()["assigned_to"] == "ana"  # unchanged
    # Without a group, anyone in the directory: who signed in as an agent, or an admin added to any group.
    newcomer = random_name("newcomer").lower() + "@example.com"
    assert agent.post("/api/tickets", json={"short_description": "x", "assigned_to": newcomer}).status_code == 422
    with httpx.Client(base_url=str(agent.base_url), cookies={
            "StaticWebAppsAuthCookie": principal_cookie(newcomer, ["agent"])}) as signed_in:
        assert signed_in.get("/api/groups").status_code == 200  # their first request lists them
    found = agent.get("/api/agents", params={"q": newcomer.split("@")[0][:8]}).json()["items"]
    assert [(a["user_name"], a["signed_in"]) for a in found] == [(newcomer, True)]
    assert create(agent, assigned_to=newcomer)["assigned_to"] == newcomer
    # The look-up by name within a group, as the form's Assigned to asks.
    for typed in ("ana lóp", "ANA LOP"):  # accents and case aside
        in_group = agent.get("/api/agents", params={"group": group, "q": typed}).json()["items"]
        assert [a["user_name"] for a in in_group] == ["ana"], typed
    assert agent.get("/api/agents", params={"group": group, "q": newcomer}).json()["items"] == []
    assert agent.get("/api/agents", params={"limit": 0}).status_code == 422
    assert agent.get("/api/agents", params={"q": "'&|!:*()"}).status_code == 200


def test_my_groups_and_the_channel_filter(client_for, admin, reference_data):
    member, own_group = random_name("member").lower(), random_name("Own group")
    made = admin.post("/api/groups", json={"name": own_group})
    assert made.status_code == 201
    assert admin.post(f"/api/groups/{made.json()['id']}/members",
                      json={"user_name": member, "display_name": "Member"}).status_code == 201
    agent = client_for("agent", user=member)
    mine = create(agent, assignment_group=own_group)
    create(agent, assignment_group=reference_data["group"])
    numbers = {t["number"] for t in agent.get("/api/tickets", params={"view": "my_groups"}).json()["items"]}
    assert numbers == {mine["number"]}
    by_channel = agent.get("/api/tickets", params={"view": "my_groups", "channel": "web"}).json()["items"]
    assert [t["number"] for t in by_channel] == [mine["number"]]
    assert agent.get("/api/tickets", params={"view": "my_groups", "channel": "phone"}).json()["items"] == []
    assert agent.get("/api/tickets", params={"channel": "fax"}).status_code == 422


def test_a_duplicate_is_noted_by_key_and_its_caller_told_which_ticket_carries_the_problem(agent, db):
    original = create(agent)
    duplicate = create(agent, caller={"name": "Marta Ruiz", "phone": random_phone()})
    marked = agent.post(f"/api/tickets/{duplicate['number']}/mark-duplicate", json={"of": original["number"]})
    assert marked.status_code == 200, marked.text
    notes = [a for a in agent.get(f"/api/tickets/{duplicate['number']}/activity").json()["items"]
             if a["kind"] == "work_note"]
    assert notes[-1]["note_parts"] == [{"key": "duplicate_of", "params": {
        "number": original["number"], "short": original["short_description"]}}]
    assert notes[-1]["body"] == f"Duplicate of {original['number']}: {original['short_description']}"
    told = db.execute("SELECT event, body FROM requester_events e JOIN tickets t ON t.id = e.ticket_id"
                      " WHERE t.number = %s", (duplicate["number"],)).fetchall()
    assert told == [("duplicate", original["number"])]


def test_the_desk_answers_a_poll_with_304_until_a_ticket_changes(agent):
    first = agent.get("/api/changes")
    assert first.status_code == 200 and first.json()["tickets"] == []
    tag, latest = first.headers["etag"], first.json()["latest"]
    assert first.headers["etag"] == f'"{first.json()["tag"]}"'
    unchanged = agent.get("/api/changes", params={"after": latest}, headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    ticket = create(agent, channel="phone")
    changed = agent.get("/api/changes", params={"after": latest}, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    item = next(t for t in changed.json()["tickets"] if t["number"] == ticket["number"])
    assert (item["opened"], item["channel"]) == (True, "phone")
    commented = agent.post(f"/api/tickets/{ticket['number']}/comments", json={"body": "on it", "visibility": "internal"})
    assert commented.status_code == 201
    after = changed.json()["latest"]
    again = agent.get("/api/changes", params={"after": after}, headers={"If-None-Match": changed.headers["etag"]})
    assert any(t["number"] == ticket["number"] and not t["opened"] for t in again.json()["tickets"])
    for bad in ({"after": -1}, {"after": "x"}, {"after": 2**63}, {"since": 1}):
        assert agent.get("/api/changes", params=bad).status_code == 422, bad
