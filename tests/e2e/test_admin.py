"""Admin pages for admins only: the agent directory behind Assigned to, categories, SLA targets, API keys."""
import re
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import Devhost, fresh_database, principal_cookie
from tests.e2e.conftest import RESULTS
from tests.random_refs import random_name

pytestmark = pytest.mark.e2e


def sign_in_as(page: Page, user: str, roles: set[str]) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/\.auth/login/aad"))
    page.fill("input[name=user]", user)
    for role in ("agent", "admin"):
        page.locator(f"input[name=role][value={role}]").set_checked(role in roles)
    page.click("button[type=submit]")
    expect(page.locator("#user")).to_have_text(user)


def test_an_admin_keeps_groups_agents_categories_targets_and_keys(page: Page, admin):
    group, category = random_name("Field service"), random_name("Printers")
    sign_in_as(page, "e2e-admin@example.com", {"agent", "admin"})
    page.select_option("#language", "en")
    page.click("#nav-admin")
    expect(page.locator(".admin h1")).to_have_text("Administration")

    page.fill(".new-group input[name=name]", group)
    page.click(".new-group button[type=submit]")
    expect(page.locator("#saved")).to_have_text("Saved.")
    entry = page.locator("details.group", has_text=group)
    entry.locator("summary").click()
    entry.locator("input[name=user_name]").fill("lucia@example.com")
    entry.locator("input[name=display_name]").fill("Lucía Fernández")
    entry.locator("button[type=submit]").click()
    entry = page.locator("details.group", has_text=group)
    expect(entry.locator(".member-count")).to_have_text("1 agent")

    page.fill(".new-category input[name=name]", category)
    page.fill(".new-category input[name=subcategories]", "Toner, Paper jam")
    page.click(".new-category button[type=submit]")
    edit = page.locator("form.edit-category", has_text=category)
    expect(edit.locator("input[name=subcategories]")).to_have_value("Toner, Paper jam")

    row = page.locator(".sla-targets tbody tr").nth(4)
    row.locator("input[name=response_minutes]").fill("1200")
    row.locator("button").click()
    expect(page.locator("#saved")).to_have_text("Saved.")
    assert admin.get("/api/sla-targets").json()["items"][4]["response_minutes"] == 1200
    expect(page.locator(".admin[inert]")).to_have_count(0)  # the page drawn again after the save is the one used
    row = page.locator(".sla-targets tbody tr").nth(4)
    row.locator("input[name=response_minutes]").fill("99999999")  # longer than the resolution target
    row.locator("button").click()
    expect(row.locator(".field-error")).to_be_visible()
    assert admin.get("/api/sla-targets").json()["items"][4]["response_minutes"] == 1200
    admin.put("/api/sla-targets/5", json={"response_minutes": 1440, "resolution_minutes": 14400})

    key_name = random_name("integration")
    page.fill(".new-key input[name=name]", key_name)
    page.click(".new-key button[type=submit]")
    secret = page.locator(".new-secret code")
    expect(secret).to_have_text(re.compile(r"^atk_"))
    key = secret.text_content()
    assert admin.get("/api/tickets", headers={"X-Api-Key": key, "Cookie": ""}).status_code == 200
    page.screenshot(path=str(RESULTS / "admin-en.png"), full_page=True)
    page.select_option("#language", "es")
    expect(page.locator(".admin h1")).to_have_text("Administración")
    page.screenshot(path=str(RESULTS / "admin-es.png"), full_page=True)
    page.locator(".api-keys tr", has_text=key_name).locator("button").click()
    expect(page.locator(".api-keys tr", has_text=key_name).locator("button")).to_have_count(0)

    # The directory is what Assigned to offers once the group is chosen on a ticket.
    page.click("header a.button.primary")
    form = page.locator("#ticket-form")
    form.locator("select[name=assignment_group]").select_option(group)
    expect(page.locator("#group-agents option")).to_have_count(1)
    expect(page.locator("#group-agents option")).to_have_attribute("value", "lucia@example.com")


def test_an_agent_sees_no_admin_pages_and_the_api_refuses_them(page: Page, agent):
    sign_in_as(page, "e2e-just-agent@example.com", {"agent"})
    page.select_option("#language", "en")
    expect(page.locator("#nav-admin")).to_be_hidden()
    page.goto("/#/admin")
    expect(page.locator(".refused")).to_contain_text("Administration is for admins")
    expect(page.locator(".admin")).to_have_count(0)
    status = page.evaluate("fetch('/api/groups', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                          " body: JSON.stringify({name: 'sneaky'})}).then((r) => r.status)")
    assert status == 403
    assert agent.post("/api/api-keys", json={"name": "x", "scopes": ["tickets:read"]}).status_code == 403


def test_the_callers_phone_finds_a_known_contact_and_parent_offers_matching_tickets(page: Page, admin):
    phone = "+34 600 " + random_name("")[-6:].translate(str.maketrans("abcdef", "123456")).zfill(6)[:3] + " 111"
    word = random_name("outage").replace("-", "")
    made = admin.post("/api/tickets", json={"short_description": f"{word} printers down", "caller": {
        "name": "Marta Gil", "phone": phone}}).json()
    sign_in_as(page, "e2e-lookups@example.com", {"agent"})
    page.select_option("#language", "en")
    page.click("header a.button.primary")
    form = page.locator("#ticket-form")
    form.locator("input[name=caller_phone]").fill(phone)
    form.locator("input[name=caller_phone]").press("Tab")
    expect(page.locator(".known-caller")).to_have_text("Known caller: Marta Gil")
    expect(form.locator("input[name=caller_name]")).to_have_value("Marta Gil")
    form.locator("input[name=parent]").press_sequentially(word[:12])
    expect(page.locator("#parent-choices option")).to_have_count(1)
    expect(page.locator("#parent-choices option")).to_have_attribute("value", made["number"])


def test_an_admin_finds_a_caller_by_phone_and_erases_them(page: Page, admin):
    phone = "+34 611 " + str(random_name("")[-3:].encode().hex())[:3].translate(str.maketrans("abcdef", "123456")) + " 222"
    made = admin.post("/api/tickets", json={"short_description": random_name("Erase me"), "channel": "phone",
                                            "description": "Soy Rosa Vidal", "caller": {"name": "Rosa Vidal",
                                                                                       "phone": phone}}).json()
    sign_in_as(page, "e2e-eraser@example.com", {"agent", "admin"})
    page.select_option("#language", "en")
    page.goto("/#/admin")
    found = page.locator(".found-caller")
    page.fill(".find-caller input[name=phone]", phone)
    page.click(".find-caller button[type=submit]")
    expect(found.locator(".who")).to_contain_text("Rosa Vidal")
    expect(found.locator(".erase-caller")).to_be_disabled()
    found.get_by_label("I understand this cannot be undone").check()
    found.locator(".erase-caller").click()
    expect(found.locator(".who")).to_have_text("Erased: 0 calls, 1 tickets anonymized, 0 recordings deleted.")
    ticket = admin.get(f"/api/tickets/{made['number']}").json()
    assert ticket["caller"]["name"] is None and ticket["description"] == "[erased at the caller's request]"


@pytest.fixture(scope="module")
def trained_desk(search_redis, tmp_path_factory):
    """A desk of its own with the search-capable Redis and labelled tickets in both languages, trained."""
    host = Devhost(fresh_database(random_name("atiende_e2e_quality").replace("-", "_")),
                   tmp_path_factory.mktemp("quality") / "devhost.log", EMBEDDING_PROVIDER="local").start()
    with httpx.Client(base_url=host.base, timeout=30, cookies={
            "StaticWebAppsAuthCookie": principal_cookie("admin@example.com", ["admin", "agent"])}) as admin:
        kinds = {("Network", "Wi-Fi", "Network team"): ["The wifi on floor {n} keeps dropping",
                                                        "El wifi de la planta {n} se cae"],
                 ("Hardware", "Printer", "Site support"): ["The printer on floor {n} does not print",
                                                           "La impresora de la planta {n} no imprime"]}
        for (category, subcategory, group), texts in kinds.items():
            assert admin.post("/api/groups", json={"name": group}).status_code == 201
            assert admin.post("/api/categories", json={"name": category, "subcategories": [subcategory]}).status_code == 201
            for n in range(20):
                for words in texts:
                    made = admin.post("/api/tickets", json={"short_description": words.format(n=n), "category": category,
                                                            "subcategory": subcategory, "assignment_group": group})
                    assert made.status_code == 201, made.text
        deadline = time.monotonic() + 120
        while True:  # every ticket indexed, then learned from and calibrated on
            quality = admin.get("/api/triage/quality").json()
            if quality.get("held_out") == 80 and len(quality.get("search", {})) == 2:
                break
            assert time.monotonic() < deadline, quality
            time.sleep(0.5)
    yield host
    host.stop()


def test_an_admin_sees_how_well_triage_and_search_do_on_the_desks_own_tickets(browser, trained_desk):
    context = browser.new_context(base_url=trained_desk.base, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_as(page, "e2e-quality@example.com", {"agent", "admin"})
    page.select_option("#language", "en")
    page.click("#nav-admin")
    expect(page.locator(".triage-about")).to_contain_text("Learned from 80 labelled tickets")
    fields = page.locator(".triage-table tbody tr")
    expect(fields.filter(has_text="Assignment group")).to_have_count(1)
    searched = page.locator(".search-table tbody tr")
    expect(searched).to_have_count(2)
    expect(searched.filter(has_text="Spanish")).to_contain_text("40")
    page.select_option("#language", "es")
    expect(page.locator(".search-table tbody tr").filter(has_text="Inglés")).to_have_count(1)
    page.screenshot(path=str(RESULTS / "triage-quality-es.png"), full_page=True)
    context.close()
