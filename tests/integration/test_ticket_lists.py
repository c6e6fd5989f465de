"""Listing: views, filters, sort on every column, keyset pages and full-text search in Spanish and English."""
import pytest

from tests.random_refs import random_name


def test_full_text_finds_spanish_and_english_stems(agent):
    tag = random_name("zq").replace("-", "")
    es = agent.post("/api/tickets", json={"short_description": f"{tag} las impresoras no imprimen"}).json()
    en = agent.post("/api/tickets", json={"short_description": f"{tag} printers are jamming"}).json()
    found_es = agent.get("/api/tickets", params={"q": f"{tag} impresora"}).json()["items"]
    assert [t["number"] for t in found_es] == [es["number"]]
    found_en = agent.get("/api/tickets", params={"q": f"{tag} printer jammed"}).json()["items"]
    assert [t["number"] for t in found_en] == [en["number"]]
    by_number = agent.get("/api/tickets", params={"q": es["number"].lower()}).json()["items"]
    assert [t["number"] for t in by_number] == [es["number"]]


def test_search_text_is_data_not_syntax(agent):
    for q in ["' OR 1=1 --", "a & | ! ( :*", "<script>alert(1)</script>", "\"unbalanced", "!!!"]:
        response = agent.get("/api/tickets", params={"q": q})
        assert response.status_code == 200, (q, response.text)


def test_pages_walk_every_ticket_once_in_order(agent, reference_data):
    group = reference_data["other_group"]
    made = [agent.post("/api/tickets", json={"short_description": f"page {i}", "assignment_group": group,
                                             "impact": 1 + i % 3}).json()["number"] for i in range(7)]
    for sort in ("number", "-number", "priority", "-priority", "opened_at", "-updated_at", "short_description",
                 "-assigned_to", "state", "caller", "category", "-impact", "urgency", "assignment_group"):
        seen, cursor = [], None
        while True:
            params = {"assignment_group": group, "limit": 3, "sort": sort, **({"cursor": cursor} if cursor else {})}
            page = agent.get("/api/tickets", params=params).json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        numbers = [t["number"] for t in seen]
        assert sorted(numbers) == sorted(set(numbers)) and set(made) <= set(numbers), sort
        if sort in ("number", "-number"):
            assert numbers == sorted(numbers, reverse=sort.startswith("-"))
        if sort.lstrip("-") == "priority":
            priorities = [t["priority"] for t in seen]
            assert priorities == sorted(priorities, reverse=sort.startswith("-"))


def test_views_split_tickets_by_owner_and_state(client_for):
    me = random_name("owner")
    mine_client = client_for("agent", user=me)
    mine = mine_client.post("/api/tickets", json={"short_description": "mine", "assigned_to": me}).json()
    unassigned = mine_client.post("/api/tickets", json={"short_description": "nobody's"}).json()

    def numbers(view, **params):
        return {t["number"] for t in mine_client.get("/api/tickets", params={"view": view, "limit": 100, **params}).json()["items"]}

    assert numbers("mine") == {mine["number"]}
    assert unassigned["number"] in numbers("unassigned", sort="-number")
    assert mine["number"] not in numbers("unassigned", sort="-number")
    assert {mine["number"], unassigned["number"]} <= numbers("open", sort="-number")
    assert mine["number"] not in numbers("resolved")


@pytest.mark.parametrize("params", [
    {"sort": "password"}, {"sort": "number; DROP TABLE tickets"}, {"limit": "0"}, {"limit": "1000"},
    {"limit": "ten"}, {"state": "open"}, {"priority": "9"}, {"view": "everything"}, {"cursor": "garbage"},
    {"cursor": "W10"}, {"unknown": "1"}, {"caller_phone": "not a phone"},
])
def test_bad_list_parameters_are_422_naming_the_parameter(agent, params):
    response = agent.get("/api/tickets", params=params)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"] and all("parameter" in e for e in problem["errors"])


def test_a_cursor_from_another_sort_is_refused(agent):
    for _ in range(3):
        agent.post("/api/tickets", json={"short_description": "cursor"})
    cursor = agent.get("/api/tickets", params={"limit": 1, "sort": "number"}).json()["next_cursor"]
    assert agent.get("/api/tickets", params={"limit": 1, "sort": "priority", "cursor": cursor}).status_code == 422


def test_search_finds_callers_by_name_tickets_by_partial_number_and_words_being_typed(agent):
    tag = random_name("zr").replace("-", "")
    surname = f"Quintanilla{tag}"
    made = agent.post("/api/tickets", json={"short_description": f"{tag} monitor parpadea",
                                            "caller": {"name": f"Rocío {surname}"}}).json()
    find = lambda q: [t["number"] for t in agent.get("/api/tickets", params={"q": q}).json()["items"]]  # noqa: E731
    assert made["number"] in find(f"rocío {surname[:14]}")  # the caller's name, its end still being typed
    digits = made["number"][3:].lstrip("0")
    assert find(digits)[:1] == [made["number"]]  # "10012" for INC0010012
    assert find(f"inc{digits}")[:1] == [made["number"]]
    assert find(tag[:6] + tag[6:-2])[:1] in ([made["number"]], [])  # a prefix of a word: matches or at least answers
    assert made["number"] in find(f"{tag} parpad")
    for hostile in ("':* | !", "a:*", "\\", "' & '"):
        assert agent.get("/api/tickets", params={"q": hostile}).status_code == 200


def test_sorting_by_names_on_other_rows_follows_their_renames(admin, agent, db):
    tag = random_name("zs").replace("-", "")
    group_a, group_b, category = f"A {tag}", f"B {tag}", f"Cat {tag}"
    for name in (group_a, group_b):
        assert admin.post("/api/groups", json={"name": name}).status_code == 201
    assert admin.post("/api/categories", json={"name": category, "subcategories": []}).status_code == 201
    first = agent.post("/api/tickets", json={"short_description": f"{tag} one", "assignment_group": group_a,
                                             "caller": {"name": f"Ana {tag}"}}).json()
    second = agent.post("/api/tickets", json={"short_description": f"{tag} two", "assignment_group": group_b,
                                              "category": category, "caller": {"name": f"Bea {tag}"}}).json()
    order = lambda sort: [t["number"] for t in agent.get("/api/tickets", params={"q": tag, "sort": sort}).json()["items"]]  # noqa: E731
    assert order("assignment_group") == [first["number"], second["number"]]
    assert order("caller") == [first["number"], second["number"]]
    assert order("category") == [first["number"], second["number"]]  # no category sorts first

    # A rename anywhere (here straight in SQL, as an admin tool would) moves the tickets that name it.
    db.execute("UPDATE assignment_groups SET name = %s WHERE name = %s", (f"0 {tag}", group_b))
    db.execute("UPDATE contacts SET name = %s WHERE name = %s", (f"Aaron {tag}", f"Bea {tag}"))
    assert order("assignment_group") == [second["number"], first["number"]]
    assert order("caller") == [second["number"], first["number"]]
    # So does pointing a ticket at another row.
    patched = agent.patch(f"/api/tickets/{first['number']}", json={"assignment_group": f"0 {tag}", "category": category},
                          headers={"If-Match": "*"})
    assert patched.status_code == 200
    assert order("-assignment_group") == [second["number"], first["number"]]  # equal names: newest first
    assert db.execute("SELECT category_sort, group_sort, caller_sort FROM tickets WHERE number = %s",
                      (first["number"],)).fetchone() == (category, f"0 {tag}", f"Ana {tag}")


@pytest.mark.parametrize("few_matches", [2_000, 0], ids=["from their ids", "walking the page order"])
def test_a_search_pages_the_same_whether_its_matches_are_few_or_many(uow, agent, few_matches):
    from domain.store.tickets import TicketFilter
    from tests.conftest import on_own_loop

    tag = random_name("zt").replace("-", "")
    made = [agent.post("/api/tickets", json={"short_description": f"{tag} teclado {i}",
                                             "impact": 1 + i % 3}).json()["number"] for i in range(5)]

    async def page_through() -> None:
        async with uow:
            uow.tickets.few_matches = few_matches
            for sort in ("-number", "impact", "-updated_at", "caller"):
                seen, cursor = [], None
                where = TicketFilter(text=tag)
                matching = await uow.tickets.count_matching(where)
                assert matching.total == 5 and (matching.ids is None) == (few_matches == 0)
                while True:
                    page, cursor = await uow.tickets.find(where, sort, cursor, 2, matching)
                    seen += [t.number for t in page]
                    if not cursor:
                        break
                assert sorted(seen) == sorted(made) and len(seen) == 5, sort
                if sort == "-number":
                    assert seen == sorted(made, reverse=True)
            nothing = TicketFilter(text=f"{tag}x")  # no ticket has this word: no ids, and a page of none
            assert await uow.tickets.count_matching(nothing) == (0, False, "{}")
            assert await uow.tickets.find(nothing, "-number", None, 2, await uow.tickets.count_matching(nothing)) \
                == ([], None)

    on_own_loop(page_through())
