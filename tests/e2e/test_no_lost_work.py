"""Nothing an agent types is lost: a stale save, posting a comment, leaving the form, switching language, and
validation shown beside the fields in the agent's language."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_web_app import sign_in
from tests.random_refs import random_name

pytestmark = pytest.mark.e2e


def open_ticket(page: Page, admin, user: str, language: str = "en") -> dict:
    ticket = admin.post("/api/tickets", json={"short_description": random_name("Shared printer")}).json()
    sign_in(page, user)
    page.select_option("#language", language)
    expect(page.locator(".dashboard h1")).to_have_text("Dashboard" if language == "en" else "Panel")
    page.goto(f"/#/tickets/{ticket['number']}")
    expect(page.locator(".title")).to_have_text(ticket["number"])
    return ticket


def test_a_stale_save_keeps_the_agents_edits_and_lets_them_choose_per_field(page: Page, admin):
    ticket = open_ticket(page, admin, "e2e-conflict@example.com")
    form = page.locator("#ticket-form")
    form.locator("textarea[name=description]").fill("The toner light blinks (mine)")
    form.locator("select[name=impact]").select_option("2")
    # Meanwhile someone else changes the description and the short description.
    theirs = admin.patch(f"/api/tickets/{ticket['number']}", headers={"If-Match": '"1"'},
                         json={"description": "Paper jam in tray 2 (theirs)", "short_description": "Printer jam, floor 2"})
    assert theirs.status_code == 200
    form.locator("button.save").click()

    conflict = page.locator(".conflict")
    expect(conflict).to_be_visible()
    expect(page.locator("#error")).to_contain_text("Someone else changed this ticket")
    clashes = conflict.locator("fieldset")
    expect(clashes).to_have_count(1)  # only the description: the short description and impact changed on one side
    expect(clashes.first.locator("legend")).to_have_text("Description")
    expect(clashes.first).to_contain_text("Yours: The toner light blinks (mine)")
    expect(clashes.first).to_contain_text("Theirs: Paper jam in tray 2 (theirs)")
    expect(form.locator("textarea[name=description]")).to_have_value("The toner light blinks (mine)")
    expect(form.locator("input[name=short_description]")).to_have_value("Printer jam, floor 2")
    expect(form.locator("select[name=impact]")).to_have_value("2")

    clashes.first.get_by_label(re.compile("Theirs")).check()
    expect(form.locator("textarea[name=description]")).to_have_value("Paper jam in tray 2 (theirs)")
    clashes.first.get_by_label(re.compile("Yours")).check()
    form.locator("button.save").click()
    expect(page.locator("#saved")).to_have_text("Saved.")
    saved = admin.get(f"/api/tickets/{ticket['number']}").json()
    assert saved["description"] == "The toner light blinks (mine)"
    assert saved["short_description"] == "Printer jam, floor 2" and saved["impact"] == 2


def test_posting_a_comment_leaving_and_switching_language_keep_unsaved_edits(page: Page, admin):
    ticket = open_ticket(page, admin, "e2e-drafts@example.com")
    form = page.locator("#ticket-form")
    form.locator("input[name=short_description]").fill("Edited but not saved")
    page.locator("#comment-form textarea[name=body]").fill("Asked the caller to restart")
    page.locator("#comment-form button[type=submit]").click()
    expect(page.locator(".entries li.comment .text").first).to_have_text("Asked the caller to restart")
    expect(form.locator("input[name=short_description]")).to_have_value("Edited but not saved")

    page.locator("#comment-form textarea[name=body]").fill("Half a comment")
    page.click("text=Back to list")
    expect(page.locator(".list")).to_be_visible()
    page.goto(f"/#/tickets/{ticket['number']}")
    expect(form.locator("input[name=short_description]")).to_have_value("Edited but not saved")
    expect(page.locator("#comment-form textarea[name=body]")).to_have_value("Half a comment")
    expect(page.locator("#error")).to_have_text("Your unsaved changes were restored.")

    page.select_option("#language", "es")
    expect(page.locator("button.save")).to_have_text("Guardar")
    expect(form.locator("input[name=short_description]")).to_have_value("Edited but not saved")
    page.reload()  # even a reload (or a closed tab) keeps them
    expect(form.locator("input[name=short_description]")).to_have_value("Edited but not saved")
    assert admin.get(f"/api/tickets/{ticket['number']}").json()["short_description"] == ticket["short_description"]

    page.click("text=Descartar mis cambios")
    expect(form.locator("input[name=short_description]")).to_have_value(ticket["short_description"])
    expect(page.locator("#comment-form textarea[name=body]")).to_have_value("")


def test_a_new_ticket_being_written_survives_leaving_the_form(page: Page):
    sign_in(page, "e2e-new-draft@example.com")
    page.select_option("#language", "en")
    page.click("text=New")
    form = page.locator("#ticket-form")
    form.locator("input[name=short_description]").fill("Monitor flickers after lunch")
    form.locator("select[name=impact]").select_option("1")
    page.click("#views >> text=All")
    expect(page.locator(".list")).to_be_visible()
    page.click("text=New")
    expect(form.locator("input[name=short_description]")).to_have_value("Monitor flickers after lunch")
    expect(form.locator("select[name=impact]")).to_have_value("1")
    form.locator("button.save").click()
    expect(page).to_have_url(re.compile(r"#/tickets/INC\d{7}$"))
    page.click("text=New")
    expect(form.locator("input[name=short_description]")).to_have_value("")  # created: the draft is gone


@pytest.mark.parametrize(("language", "required", "empty", "summary"), [
    ("en", "Required.", "Cannot be empty.", "Check these fields:"),
    ("es", "Obligatorio.", "No puede estar vacío.", "Revisa estos campos:"),
])
def test_validation_is_shown_beside_each_field_in_the_agents_language(page: Page, admin, language, required, empty,
                                                                       summary):
    open_ticket(page, admin, f"e2e-validation-{language}@example.com", language)
    form = page.locator("#ticket-form")
    expect(form.locator("button.save")).to_have_text("Save" if language == "en" else "Guardar")
    form.locator("select[name=state]").select_option("resolved")
    form.locator("button.save").click()
    expect(form.locator("select[name=close_code]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-close_code")).to_have_text(required)
    expect(page.locator("#error-close_notes")).to_have_text(required)
    expect(page.locator("#error")).to_contain_text(summary)
    expect(form.locator("select[name=close_code]")).to_be_focused()

    page.click("header a.button.primary")  # New, in either language
    form.locator("button.save").click()
    expect(page.locator("#error-short_description")).to_have_text(empty)
    expect(form.locator("input[name=short_description]")).to_be_focused()
