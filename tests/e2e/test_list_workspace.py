"""The list an agent lives in: bulk actions that respect each ticket's version, priority and SLA shown in words
as well as colour, sorting from the keyboard, and a tablet-wide screen without sideways scrolling."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_web_app import sign_in
from tests.random_refs import random_name

pytestmark = pytest.mark.e2e


def queue(admin, word: str, count: int, **fields) -> list[str]:
    return [admin.post("/api/tickets", json={"short_description": f"{word} bulk {i}", **fields}).json()["number"]
            for i in range(count)]


SELECT_ALL = {"en": "Select every ticket on this page", "es": "Seleccionar todos los tickets de esta página"}


def select_queue(page: Page, user: str, language: str, word: str, count: int) -> None:
    """Sign in, open the list searched for `word`, and select all its rows."""
    sign_in(page, user)
    page.select_option("#language", language)
    page.goto(f"/#/tickets?view=all&q={word}")
    expect(page.locator("tbody tr")).to_have_count(count)
    page.get_by_label(SELECT_ALL[language]).check()


def test_bulk_assign_updates_each_ticket_and_names_the_one_that_changed_meanwhile(page: Page, admin, reference_data):
    word = random_name("bulk").replace("-", "")
    numbers = queue(admin, word, 3)
    select_queue(page, "e2e-bulk@example.com", "en", word, 3)
    expect(page.locator(".bulk .selected-count")).to_have_text("3 selected")
    # Someone else edits one of them after the list was drawn: its version is no longer the one shown.
    stale = numbers[1]
    assert admin.patch(f"/api/tickets/{stale}", json={"description": "edited elsewhere"},
                       headers={"If-Match": '"1"'}).status_code == 200
    bulk = page.locator(".bulk-assign")
    bulk.locator("select[name=assignment_group]").select_option(reference_data["group"])
    bulk.locator("input[name=assigned_to]").fill("ana")
    bulk.locator("button[type=submit]").click()

    result = page.locator(".bulk-result")
    expect(result).to_contain_text("2 of 3 updated.")
    expect(result.locator("li")).to_have_count(1)
    expect(result.locator("li")).to_contain_text(f"{stale}: changed by someone else")
    for number in numbers:
        ticket = admin.get(f"/api/tickets/{number}").json()
        assigned = (ticket["assignment_group"], ticket["assigned_to"])
        expected = (None, None) if number == stale else (reference_data["group"], "ana")
        assert assigned == expected, number
    row = page.locator(f"tr[data-number={numbers[0]}]")
    expect(row.locator(".assigned_to")).to_have_text("ana")
    expect(page.locator(f"tr[data-number={stale}]")).to_have_class(re.compile("failed"))


def test_bulk_resolve_applies_each_tickets_rules(page: Page, admin):
    word = random_name("resolve").replace("-", "")
    numbers = queue(admin, word, 2)
    select_queue(page, "e2e-bulk-resolve@example.com", "es", word, 2)
    resolve = page.locator(".bulk-resolve")
    resolve.locator("button[type=submit]").click()  # no code or notes: every ticket refuses, and says why
    expect(page.locator(".bulk-result")).to_contain_text("0 de 2 actualizados.")
    expect(page.locator(".bulk-result li").first).to_contain_text("Obligatorio.")
    resolve.locator("select[name=close_code]").select_option("solved_remotely")
    resolve.locator("input[name=close_notes]").fill("Driver reinstalled on both")
    resolve.locator("button[type=submit]").click()
    # It reaches the callers: five seconds to take it back first.
    expect(page.locator(".toast.undo")).to_contain_text("Se cambiarán 2 tickets.")
    expect(page.locator(".bulk-result")).to_contain_text("2 de 2 actualizados.", timeout=10_000)
    assert {admin.get(f"/api/tickets/{n}").json()["state"] for n in numbers} == {"resolved"}


def test_priority_and_sla_speak_in_words_and_headers_sort_from_the_keyboard(page: Page, admin, db):
    word = random_name("levels").replace("-", "")
    for impact, urgency in ((1, 1), (1, 2), (2, 2), (3, 2), (3, 3)):  # priorities 1 to 5
        admin.post("/api/tickets", json={"short_description": f"{word} level", "impact": impact, "urgency": urgency})
    late = admin.post("/api/tickets", json={"short_description": f"{word} late", "impact": 3, "urgency": 3}).json()
    db.execute("UPDATE tickets SET opened_at = now() - interval '30 days' WHERE number = %s", (late["number"],))
    sign_in(page, "e2e-levels@example.com")
    page.select_option("#language", "en")
    page.goto(f"/#/tickets?view=all&q={word}&sort=number")
    expect(page.locator("tbody tr")).to_have_count(6)
    pills = page.locator("tbody .priority .pill")
    assert sorted(set(pills.all_inner_texts())) == ["1 - Critical", "2 - High", "3 - Moderate", "4 - Low", "5 - Planning"]
    expect(page.locator(f"tr[data-number={late['number']}] .sla-flag")).to_have_text("SLA breached")
    expect(page.locator(".sla-legend")).to_contain_text("SLA at risk")

    header = page.locator("th[data-sort=priority]")
    expect(header).to_have_attribute("aria-sort", "none")
    header.locator("button").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=priority"))
    expect(page.locator("th[data-sort=priority]")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("tbody tr").first.locator(".pill")).to_have_text("1 - Critical")


@pytest.mark.parametrize("where", ["#/tickets?view=all", "#/dashboard", "#/new"])
def test_at_tablet_width_the_page_never_scrolls_sideways(page: Page, where):
    page.set_viewport_size({"width": 820, "height": 1100})
    sign_in(page, "e2e-tablet@example.com")
    page.select_option("#language", "es")  # the longer labels
    page.goto(f"/{where}")
    expect(page.locator("main > section")).to_be_visible()
    page.wait_for_timeout(300)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 820, (where, width)


def test_filters_are_breadcrumbs_removed_one_by_one_and_can_be_saved(page: Page, admin, reference_data):
    word = random_name("crumbs").replace("-", "")
    queue(admin, word, 2, assignment_group=reference_data["group"], impact=1, urgency=1)
    queue(admin, word, 1, assignment_group=reference_data["group"])
    sign_in(page, "e2e-crumbs@example.com")
    page.select_option("#language", "en")
    page.goto(f"/#/tickets?view=open&q={word}&priority=1&assignment_group={reference_data['group']}")
    expect(page.locator("tbody tr")).to_have_count(2)
    crumbs = page.locator(".breadcrumbs li")
    expect(crumbs).to_have_count(5)  # All tickets › View › Search › Priority › Group
    page.get_by_label("Remove filter: Priority: 1 - Critical").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page).not_to_have_url(re.compile("priority="))
    expect(page.locator("#filters input[name=q]")).to_have_value(word)

    page.fill(".save-filter input[name=name]", "My group's outage")
    page.click(".save-filter button")
    page.get_by_label("Remove filter: Search: " + word).click()
    expect(page).not_to_have_url(re.compile("q="))
    page.locator(".saved-filters a", has_text="My group's outage").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator("#filters input[name=q]")).to_have_value(word)
    page.reload()  # saved for this agent, not for this page view
    expect(page.locator(".saved-filters a")).to_have_text(["My group's outage"])
