"""The knowledge base through devhost: articles written, edited and published, found by words and by meaning,
suggested beside a ticket, and drafted from a resolved ticket."""
from __future__ import annotations

import time

from tests.integration.test_similar_api import create, wait_for_index
from tests.random_refs import random_word


def write(client, title: str, body: str = "Steps to fix it.", **fields) -> dict:
    response = client.post("/api/articles", json={"title": title, "body": body, "language": "en", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_an_article_is_written_as_a_draft_then_published_with_if_match(agent):
    article = write(agent, f"Reset a {random_word()} password", "1. Open the portal\n2. Choose **Forgot password**")
    assert (article["state"], article["version"], article["created_by"]) == ("draft", 1, "agent@example.com")
    read = agent.get(f"/api/articles/{article['id']}")
    assert read.headers["etag"] == '"1"' and read.json()["body"].startswith("1. Open the portal")
    published = agent.patch(f"/api/articles/{article['id']}", json={"state": "published"}, headers={"If-Match": '"1"'})
    assert published.status_code == 200 and published.json()["state"] == "published" and published.json()["version"] == 2
    stale = agent.patch(f"/api/articles/{article['id']}", json={"title": "Other"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert agent.patch(f"/api/articles/{article['id']}", json={"title": "Other"}).status_code == 428


def test_bad_articles_are_refused_with_field_paths_and_nothing_is_stored(agent, db):
    before = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    for body, pointer in (({"title": "", "body": "x", "language": "en"}, "/title"),
                          ({"title": "T", "body": "x\x00y", "language": "en"}, "/body"),
                          ({"title": "T", "body": "x", "language": "fr"}, "/language"),
                          ({"title": "T", "body": "x", "language": "en", "state": "archived"}, "/state")):
        response = agent.post("/api/articles", json=body)
        assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == pointer, response.text
    unknown = agent.post("/api/articles", json={"title": "T", "body": "x", "language": "en", "category": "Nope"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["pointer"] == "/category"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == before
    assert agent.get("/api/articles/0").status_code == 404
    assert agent.get("/api/articles/99999999999999999999").status_code == 404


def test_published_articles_are_suggested_beside_the_ticket_they_may_solve(agent):
    word = random_word()
    guide = write(agent, f"Fixing the {word} VPN when it keeps disconnecting", "Renew the VPN certificate.",
                  state="published")
    write(agent, f"Draft: {word} VPN disconnects", "Not ready.")
    ticket = create(agent, f"My {word} VPN keeps disconnecting every few minutes")
    wait_for_index(agent, ticket)
    deadline = time.monotonic() + 20
    while True:
        suggested = agent.get(f"/api/tickets/{ticket['number']}/articles").json()["items"]
        if guide["id"] in [a["id"] for a in suggested]:
            break
        assert time.monotonic() < deadline, suggested
        time.sleep(0.3)
    assert all(a["state"] == "published" for a in suggested)
    found = agent.get("/api/articles/search", params={"q": f"{word} VPN disconnecting"}).json()["items"]
    assert guide["id"] in [a["id"] for a in found[:2]]  # agents search drafts too
    by_words = agent.get("/api/articles", params={"q": f"{word}"}).json()["items"]
    assert guide["id"] in [a["id"] for a in by_words]


def test_a_resolved_ticket_becomes_a_draft_article(agent):
    ticket = create(agent, f"The {random_word()} scanner saves blank pages", description="Every scan is white.")
    refused = agent.post(f"/api/tickets/{ticket['number']}/article")
    assert refused.status_code == 422
    agent.patch(f"/api/tickets/{ticket['number']}", headers={"If-Match": '"1"'}, json={
        "state": "resolved", "close_code": "solved_permanently", "close_notes": "Cleaned the scanner glass."})
    made = agent.post(f"/api/tickets/{ticket['number']}/article")
    assert made.status_code == 201, made.text
    article = made.json()
    assert (article["state"], article["source_ticket"], article["title"]) == ("draft", ticket["number"],
                                                                              ticket["short_description"])
    assert "Every scan is white." in article["body"] and "Cleaned the scanner glass." in article["body"]
