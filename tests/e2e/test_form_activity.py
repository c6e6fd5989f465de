"""The form an agent works in all day: activity grouped per save in their language, filters and choices that
stay put, related tickets, and a whole create-save-comment done from the keyboard alone."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_web_app import sign_in
from tests.random_refs import random_name, random_phone

pytestmark = pytest.mark.e2e


def test_activity_is_grouped_per_save_in_the_agents_words_and_its_filter_stays(page: Page, admin):
    group = admin.post("/api/groups", json={"name": random_name("Activity")}).json()
    admin.post(f"/api/groups/{group['id']}/members", json={"user_name": "e2e-activity@example.com",
                                                           "display_name": "Elena Actividad"})
    ticket = admin.post("/api/tickets", json={"short_description": random_name("Laptop fan loud")}).json()
    sign_in(page, "e2e-activity@example.com")
    page.select_option("#language", "es")
    page.goto(f"/#/tickets/{ticket['number']}")
    form = page.locator("#ticket-form")
    form.locator("select[name=state]").select_option("in_progress")
    form.locator("select[name=impact]").select_option("2")
    form.locator("button.save").click()
    expect(page.locator("#saved")).to_have_text("Guardado.")

    latest = page.locator(".entries > li.audit").first
    expect(latest.locator(".actor")).to_have_text("Elena Actividad")
    changes = latest.locator(".changes li")
    expect(changes).to_have_count(3)  # state, impact and the priority they make, in one save
    expect(latest).to_contain_text("Estado: Nuevo → En curso")
    expect(latest).to_contain_text("Impacto: 3 - Baja → 2 - Media")

    comment = page.locator("#comment-form")
    comment.get_by_label("Nota de trabajo (interna)").check()
    comment.locator("textarea").fill("Cambiado el ventilador")
    comment.locator("button[type=submit]").click()
    expect(page.locator(".entries > li.work_note .text").first).to_have_text("Cambiado el ventilador")
    page.locator(".activity-filter").get_by_label("Notas de trabajo").check()
    expect(page.locator(".entries > li:visible")).to_have_count(1)
    page.reload()
    expect(page.locator(".activity-filter input[value=work_note]")).to_be_checked()
    expect(page.locator(".entries > li:visible")).to_have_count(1)
    expect(page.locator("#comment-form input[value=internal]")).to_be_checked()  # where the agent left it


def test_the_form_lists_child_tickets_and_the_callers_other_tickets(page: Page, admin):
    phone = random_phone()
    parent = admin.post("/api/tickets", json={"short_description": random_name("Floor 3 offline"),
                                              "caller": {"name": "Pablo Ortiz", "phone": phone}}).json()
    child = admin.post("/api/tickets", json={"short_description": random_name("No network desk 12"),
                                             "parent": parent["number"]}).json()
    other = admin.post("/api/tickets", json={"short_description": random_name("Badge reader"),
                                             "caller": {"phone": phone}}).json()
    sign_in(page, "e2e-related@example.com")
    page.select_option("#language", "en")
    page.goto(f"/#/tickets/{parent['number']}")
    related = page.locator(".related")
    expect(related.locator(".children li")).to_have_count(1)
    expect(related.locator(".children li")).to_contain_text(child["number"])
    expect(related.locator(".callers li")).to_have_count(1)
    expect(related.locator(".callers li a")).to_have_text(other["number"])
    related.locator(".children a").click()
    expect(page.locator(".title")).to_have_text(child["number"])


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching selector has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_create_save_and_comment_with_the_keyboard_alone(page: Page, admin):
    title = random_name("Keyboard only")
    sign_in(page, "e2e-keyboard@example.com")
    page.select_option("#language", "en")
    expect(page.locator(".dashboard h1")).to_have_text("Dashboard")
    page.locator("body").press("Tab")
    tab_to(page, "header a.button.primary")
    page.keyboard.press("Enter")
    expect(page.locator(".title")).to_have_text("New ticket")
    tab_to(page, "input[name=short_description]")
    page.keyboard.type(title)
    page.keyboard.press("Control+s")
    expect(page).to_have_url(re.compile(r"#/tickets/INC\d{7}$"))
    number = page.url.rsplit("/", 1)[1]
    expect(page.locator(".title")).to_have_text(number)  # the ticket's own form, not the new one it replaces

    tab_to(page, "select[name=urgency]")
    page.keyboard.press("ArrowUp")  # 3 - Low to 2 - Medium
    expect(page.locator("#ticket-form select[name=urgency]")).to_have_value("2")
    tab_to(page, "button.save")
    page.keyboard.press("Enter")
    expect(page.locator("#saved")).to_have_text("Saved.")
    assert admin.get(f"/api/tickets/{number}").json()["urgency"] == 2

    tab_to(page, "#comment-form textarea")
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".entries li.comment .text").first).to_have_text("Typed without a mouse")
