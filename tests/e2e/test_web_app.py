"""An agent signs in, creates a ticket, works it and finds it again, in a real browser."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS
from tests.random_refs import random_name, random_phone

pytestmark = pytest.mark.e2e


def sign_in(page: Page, user: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/\.auth/login/aad"))
    page.fill("input[name=user]", user)
    page.click("button[type=submit]")
    expect(page.locator("#user")).to_have_text(user)


def test_an_agent_creates_works_and_finds_a_ticket(page: Page, reference_data):
    sign_in(page, "e2e-agent@example.com")
    page.select_option("#language", "en")
    hostile = "<img src=x onerror=alert(1)>"
    title = f"{random_name('VPN')} keeps dropping {hostile}"

    page.click("text=New")
    form = page.locator("#ticket-form")
    form.locator("input[name=caller_name]").fill("Lucía Fernández")
    form.locator("input[name=caller_phone]").fill(random_phone())
    form.locator("select[name=category]").select_option(reference_data["category"])
    form.locator("select[name=subcategory]").select_option("VPN")
    form.locator("select[name=impact]").select_option("1")
    form.locator("select[name=urgency]").select_option("2")
    expect(form.locator("output[name=priority]")).to_have_text("2 - High")
    form.locator("select[name=assignment_group]").select_option(reference_data["group"])
    form.locator("input[name=short_description]").fill(title)
    form.locator("button.save").click()

    expect(page).to_have_url(re.compile(r"#/tickets/INC\d{7}$"))
    number = page.url.rsplit("/", 1)[1]
    expect(page.locator(".title")).to_have_text(number)
    expect(page.locator(".state-badge")).to_have_text("New")
    expect(form.locator("input[name=short_description]")).to_have_value(title)

    form.locator("select[name=state]").select_option("in_progress")
    form.locator("input[name=assigned_to]").fill("e2e-agent@example.com")
    form.locator("button.save").click()
    # Not one of the group's agents: refused beside the field. The agent picks one of them instead.
    expect(form.locator(".field-error")).to_have_text("Not an agent of this ticket's group.")
    form.locator("input[name=assigned_to]").fill("ana")
    form.locator("button.save").click()
    expect(page.locator(".state-badge")).to_have_text("In Progress")
    expect(page.locator("#saved")).to_have_text("Saved.")

    comment = page.locator("#comment-form")
    comment.locator("textarea[name=body]").fill(f"Reinstalling the VPN client {hostile}")
    comment.locator("button[type=submit]").click()
    expect(page.locator(".entries li.comment .text").first).to_have_text(f"Reinstalling the VPN client {hostile}")
    expect(page.locator(".sla tbody tr")).to_have_count(2)
    page.screenshot(path=str(RESULTS / "ticket-form.png"), full_page=True)

    page.click("#views >> text=Open")
    expect(page.locator("tbody a.number", has_text=number)).to_be_visible()
    page.fill("input[name=q]", title.split()[0])
    page.click("text=Filter")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".short_description")).to_have_text(title)
    page.screenshot(path=str(RESULTS / "ticket-list.png"), full_page=True)


def test_the_app_speaks_spanish(page: Page):
    sign_in(page, "e2e-es@example.com")
    page.select_option("#language", "es")
    expect(page.locator("#views a[data-view=mine]")).to_have_text("Asignados a mí")
    page.click("#views a[data-view=all]")
    expect(page.locator("th[data-sort=short_description]")).to_have_text("Descripción breve")


def test_the_api_docs_page_lists_every_public_operation_under_the_real_base_path(page: Page, anonymous, devhost):
    paths = anonymous.get("/api/openapi.json").json()["paths"]
    public = [op for methods in paths.values() for op in methods.values() if not op.get("x-internal")]
    assert 0 < len(public) < sum(len(m) for m in paths.values())
    page.goto("/docs/")
    expect(page.locator("section.op")).to_have_count(len(public))
    expect(page.locator("#base-url")).to_have_text(f"{devhost}/api")
    expect(page.locator("#createTicket .path")).to_have_text("/api/tickets")
    expect(page.locator("#voiceIncoming")).to_have_count(0)  # Twilio's webhooks and the platform's routes
    expect(page.locator("#assignRoles")).to_have_count(0)
    page.locator("#toc a[href='#getDashboard'], #toc a[href='#dashboard']").first.click()
    expect(page).to_have_url(re.compile(r"/docs/#"))
    assert page.evaluate("document.getElementById(location.hash.slice(1)).getBoundingClientRect().top") < 200


def test_columns_sort_and_pages_follow_the_cursor(page: Page, admin):
    group = random_name("Sorting")
    assert admin.post("/api/groups", json={"name": group}).status_code == 201
    for impact in (3, 1, 2) * 9:
        admin.post("/api/tickets", json={"short_description": f"sortable {impact}", "impact": impact,
                                         "urgency": 1, "assignment_group": group})
    sign_in(page, "e2e-sorter@example.com")
    page.select_option("#language", "en")
    page.goto(f"/#/tickets?view=all&assignment_group={group}")
    # The unfiltered list from signing in also shows 25 rows; wait for the filtered one before clicking.
    expect(page.locator("#filters select[name=assignment_group]")).to_have_value(group)
    expect(page.locator("tbody tr")).to_have_count(25)
    page.click("th[data-sort=priority]")
    expect(page).to_have_url(re.compile(r"sort=priority"))
    expect(page.locator("th[data-sort=priority]")).to_have_class(re.compile("asc"))
    priorities = page.locator("tbody td.priority").all_inner_texts()
    assert priorities == sorted(priorities)
    page.click("text=Next page")
    expect(page).to_have_url(re.compile(r"cursor="))
    expect(page.locator("tbody tr")).to_have_count(2)
    page.click("text=First page")
    expect(page.locator("tbody tr")).to_have_count(25)


def test_counts_paging_and_back_to_list_keep_the_queue(page: Page, admin):
    word = random_name("queue").replace("-", "")
    for i in range(12):
        assert admin.post("/api/tickets", json={"short_description": f"{word} item {i}"}).status_code == 201
    api_page = admin.get("/api/tickets", params={"q": word, "limit": 5}).json()
    assert api_page["total"] == 12 and len(api_page["items"]) == 5

    sign_in(page, "e2e-pager@example.com")
    page.select_option("#language", "en")
    page.goto(f"/#/tickets?view=all&q={word}&limit=10")
    count = page.locator(".pager .count")
    expect(count).to_have_text("1–10 of 12")
    page.click("text=Next page")
    expect(count).to_have_text("11–12 of 12")
    page.locator("tbody a.number").first.click()
    expect(page).to_have_url(re.compile(r"#/tickets/INC\d{7}$"))
    page.click("text=Back to list")
    expect(count).to_have_text("11–12 of 12")
    expect(page.locator("input[name=q]")).to_have_value(word)
    page.click("text=Previous page")
    expect(count).to_have_text("1–10 of 12")
    page.select_option(".pager select[name=limit]", "25")
    expect(count).to_have_text("1–12 of 12")
    page.select_option("#language", "es")
    expect(count).to_have_text("1–12 de 12")


def test_assign_to_me_ctrl_s_and_ctrl_enter_work_from_the_keyboard(page: Page, admin):
    ticket = admin.post("/api/tickets", json={"short_description": random_name("Keyboard agent")}).json()
    sign_in(page, "e2e-keys@example.com")
    page.select_option("#language", "en")
    page.goto(f"/#/tickets/{ticket['number']}")
    form = page.locator("#ticket-form")
    expect(page.locator(".title")).to_have_text(ticket["number"])
    page.click("text=Assign to me")
    expect(form.locator("input[name=assigned_to]")).to_have_value("e2e-keys@example.com")
    form.locator("input[name=short_description]").press("Control+s")
    expect(page.locator("#saved")).to_have_text("Saved.")
    assert admin.get(f"/api/tickets/{ticket['number']}").json()["assigned_to"] == "e2e-keys@example.com"

    comment = page.locator("#comment-form textarea[name=body]")
    comment.fill("Posted from the keyboard")
    comment.press("Control+Enter")
    expect(page.locator(".entries li.comment .text").first).to_have_text("Posted from the keyboard")
