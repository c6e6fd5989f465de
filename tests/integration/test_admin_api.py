"""What the admin pages stand on: the agent directory of each group, and editing a category's subcategories."""
from tests.random_refs import random_name


def test_admins_keep_each_groups_agents_and_agents_read_them(admin, agent):
    group = admin.post("/api/groups", json={"name": random_name("Directory")}).json()
    members = f"/api/groups/{group['id']}/members"
    added = admin.post(members, json={"user_name": "ana@example.com", "display_name": "Ana Ruiz"})
    assert added.status_code == 201 and added.json() == {"user_name": "ana@example.com", "display_name": "Ana Ruiz"}
    renamed = admin.post(members, json={"user_name": "ana@example.com", "display_name": "Ana Ruiz Gil"})
    assert renamed.status_code == 200
    admin.post(members, json={"user_name": "bo@example.com", "display_name": "Bo Li"})
    listed = agent.get(members)
    assert listed.status_code == 200
    assert listed.json()["items"] == [{"user_name": "ana@example.com", "display_name": "Ana Ruiz Gil"},
                                      {"user_name": "bo@example.com", "display_name": "Bo Li"}]

    removed = admin.delete(f"{members}/bo%40example.com")
    assert removed.status_code == 200 and removed.json() == {"user_name": "bo@example.com", "display_name": "Bo Li"}
    assert [m["user_name"] for m in agent.get(members).json()["items"]] == ["ana@example.com"]
    again = admin.delete(f"{members}/bo%40example.com")
    assert again.status_code == 404 and again.headers["content-type"].startswith("application/problem+json")


def test_an_agent_cannot_change_the_directory_and_unknown_groups_are_404(admin, agent):
    group = admin.post("/api/groups", json={"name": random_name("Closed")}).json()
    refused = agent.post(f"/api/groups/{group['id']}/members", json={"user_name": "x@example.com", "display_name": "X"})
    assert refused.status_code == 403
    assert agent.get(f"/api/groups/{group['id']}/members").json()["items"] == []
    assert admin.get("/api/groups/999999/members").status_code == 404
    blank = admin.post(f"/api/groups/{group['id']}/members", json={"user_name": " ", "display_name": "\u200b"})
    assert blank.status_code == 422
    assert {e["pointer"] for e in blank.json()["errors"]} >= {"/user_name"}


def test_subcategories_can_be_replaced_and_tickets_follow_the_new_list(admin, agent):
    category = admin.post("/api/categories", json={"name": random_name("Printing"), "subcategories": ["Toner"]}).json()
    updated = admin.put(f"/api/categories/{category['id']}", json={"subcategories": ["Toner", "Paper jam"]})
    assert updated.status_code == 200 and updated.json()["subcategories"] == ["Toner", "Paper jam"]
    made = agent.post("/api/tickets", json={"short_description": "Tray 2 jams", "category": category["name"],
                                            "subcategory": "Paper jam"})
    assert made.status_code == 201, made.text
    repeated = admin.put(f"/api/categories/{category['id']}", json={"subcategories": ["A", "A"]})
    assert repeated.status_code == 422 and repeated.json()["errors"][0]["code"] == "repeated"
    assert admin.put("/api/categories/999999", json={"subcategories": []}).status_code == 404
    assert agent.put(f"/api/categories/{category['id']}", json={"subcategories": []}).status_code == 403
