"""A list view exported as CSV over HTTP on devhost: the list's filters and sort, every row in keyset pages, the
BOM and quoting Excel reads, formulas kept as text, the cap, and bad filters refused as the list refuses them."""
from __future__ import annotations

import csv
import io

from tests.random_refs import random_name


def rows_of(answer) -> list[list[str]]:
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_an_export_holds_what_the_list_holds_in_its_order(agent, admin):
    group = admin.post("/api/groups", json={"name": random_name("Export")}).json()["name"]
    made = [agent.post("/api/tickets", json={"short_description": f"Export {n}, \"quoted\"\nline", "assignment_group": group,
                                             "urgency": 1 + n % 3, "caller": {"name": "Zoë Ñúñez"}}).json()
            for n in range(7)]
    listed = agent.get("/api/tickets", params={"assignment_group": group, "sort": "priority", "limit": 100}).json()
    answer = agent.get("/api/tickets.csv", params={"assignment_group": group, "sort": "priority"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv") and "charset=utf-8" in answer.headers["content-type"]
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="tickets-all-') and "filename*=UTF-8''tickets-all-" in disposition
    assert (answer.headers["x-export-rows"], answer.headers["x-export-truncated"]) == ("7", "false")
    header, *rows = rows_of(answer)
    assert header[:3] == ["Number", "Opened (UTC)", "Short description"] and len(header) == 11
    assert [r[0] for r in rows] == [t["number"] for t in listed["items"]]
    first = rows[0]
    assert first[2].startswith("Export ") and '"quoted"\nline' in first[2] and first[3] == "Zoë Ñúñez"
    assert first[5] == "New" and first[7] == group and first[9] == "web" and first[4].split(" - ")[0] in "12345"
    assert {t["number"] for t in made} == {r[0] for r in rows}


def test_cells_that_would_run_as_formulas_are_text(agent):
    evil = agent.post("/api/tickets", json={"short_description": "=HYPERLINK(\"http://evil.example\",\"click\")",
                                            "caller": {"name": "@SUM(1+1)"}}).json()
    answer = agent.get("/api/tickets.csv", params={"q": evil["number"]})
    [row] = [r for r in rows_of(answer)[1:] if r[0] == evil["number"]]
    assert row[2] == "'=HYPERLINK(\"http://evil.example\",\"click\")" and row[3] == "'@SUM(1+1)"


def test_views_filter_the_export_as_they_filter_the_list(agent):
    mine = agent.post("/api/tickets", json={"short_description": random_name("Mine"),
                                            "assigned_to": "agent@example.com"}).json()
    numbers = [r[0] for r in rows_of(agent.get("/api/tickets.csv", params={"view": "mine"}))[1:]]
    assert mine["number"] in numbers
    listed = agent.get("/api/tickets", params={"view": "mine", "limit": 100}).json()
    assert numbers[:len(listed["items"])] == [t["number"] for t in listed["items"]]


def test_bad_filters_are_refused_as_the_list_refuses_them(agent):
    for params, where in (({"sort": "colour"}, "sort"), ({"view": "everything"}, "view"),
                          ({"priority": "9"}, "priority"), ({"cursor": "abc"}, "cursor")):
        refused = agent.get("/api/tickets.csv", params=params)
        assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["errors"][0]["parameter"] == where, params
    assert agent.get("/api/tickets", params={"sort": "-number"}).headers["content-type"].startswith("application/json")


def test_the_export_stops_at_its_cap_in_keyset_pages(uow, agent, monkeypatch):
    from datetime import UTC, datetime

    from domain.auth import ROLE_PERMISSIONS, Principal
    from domain.schemas.tickets import ExportQuery
    from domain.services import exports
    from domain.settings import Settings
    from tests.conftest import on_own_loop

    for n in range(5):
        agent.post("/api/tickets", json={"short_description": f"Capped {n}"})
    monkeypatch.setattr(exports, "PAGE_ROWS", 2)  # several pages, and a cap inside one
    who = Principal("agent@example.com", "user", ROLE_PERMISSIONS["agent"])
    capped = on_own_loop(exports.export_tickets(ExportQuery(sort="-number"), who, datetime.now(UTC),
                                                Settings(SEED_DEMO_DATA=False, EXPORT_MAX_ROWS=5), uow))
    assert (capped.rows, capped.truncated) == (5, True)
    lines = capped.body.decode("utf-8").split("\r\n")
    numbers = [line.split(",")[0] for line in lines[1:6]]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == 5
    everything = on_own_loop(exports.export_tickets(ExportQuery(sort="opened_at"), who, datetime.now(UTC),
                                                    Settings(SEED_DEMO_DATA=False), uow))
    assert not everything.truncated and everything.rows >= 5
