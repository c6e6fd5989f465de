"""An agent sees the tickets most like the one open, and marks it a duplicate of one of them."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS
from tests.e2e.test_web_app import sign_in
from tests.integration.test_similar_api import wait_for_index
from tests.random_refs import random_word

pytestmark = pytest.mark.e2e


def test_the_similar_panel_offers_the_original_and_marks_the_duplicate(page: Page, agent):
    word = random_word()
    original = agent.post("/api/tickets", json={"short_description": f"The {word} VPN disconnects every few minutes"}).json()
    copy = agent.post("/api/tickets", json={"short_description": f"My {word} VPN keeps dropping every few minutes"}).json()
    wait_for_index(agent, original)
    wait_for_index(agent, copy)

    sign_in(page, "e2e-similar@example.com")
    page.select_option("#language", "en")
    page.goto(f"/#/tickets/{copy['number']}")
    panel = page.locator(".similar-panel")
    item = panel.locator("li", has=page.locator(f"a.number:text('{original['number']}')"))
    expect(item).to_contain_text(original["short_description"])
    expect(item.locator(".score")).to_have_text(re.compile(r"\d+% match"))
    page.screenshot(path=str(RESULTS / "ticket-similar-en.png"), full_page=True)
    item.locator(".mark-duplicate").click()

    expect(page.locator(".toast.undo")).to_be_visible()  # five seconds to take it back
    expect(page.locator(".state-badge")).to_have_text("Canceled", timeout=10_000)
    expect(page.locator("#ticket-form input[name=parent]")).to_have_value(original["number"])
    expect(page.locator(".entries")).to_contain_text(f"Duplicate of {original['number']}")
    page.select_option("#language", "es")
    expect(panel.locator("h2")).to_have_text("Tickets similares")


def test_triage_suggests_fields_while_typing_and_accepting_fills_them(page: Page, agent, admin):
    word = random_word()
    group, category = f"Storage {word}", f"File shares {word}"
    admin.post("/api/groups", json={"name": group})
    admin.post("/api/categories", json={"name": category, "subcategories": ["Shared drive"]})
    # Another subject than the API's triage test, whose labelled tickets would otherwise outvote these.
    for text in (f"The {word} shared drive is read-only", f"{word} shared drive does not let me save files",
                 f"Cannot write to the {word} shared drive any more"):
        made = agent.post("/api/tickets", json={"short_description": text, "category": category,
                                                "subcategory": "Shared drive",
                                                "assignment_group": group, "impact": 2, "urgency": 1}).json()
        wait_for_index(agent, made)

    sign_in(page, "e2e-triage@example.com")
    page.select_option("#language", "en")
    page.click("text=New")
    form = page.locator("#ticket-form")
    form.locator("input[name=short_description]").fill(f"My {word} shared drive will not let me save")
    suggestions = page.locator(".suggestions")
    expect(suggestions.locator(".accept-category")).to_be_visible()
    expect(suggestions).to_contain_text(f"Category: {category}")
    expect(suggestions.locator(".candidates-title")).to_be_visible()
    page.screenshot(path=str(RESULTS / "new-ticket-triage-en.png"), full_page=True)
    suggestions.locator(".accept-all").click()
    expect(form.locator("select[name=category]")).to_have_value(category)
    expect(form.locator("select[name=subcategory]")).to_have_value("Shared drive")
    expect(form.locator("select[name=assignment_group]")).to_have_value(group)
    expect(form.locator("output[name=priority]")).to_have_text("2 - High")
    form.locator("button.save").click()
    expect(page).to_have_url(re.compile(r"#/tickets/INC\d{7}$"))
    expect(page.locator(".title")).to_have_text(page.url.rsplit("/", 1)[1])  # the made ticket's own form
    expect(form.locator("select[name=category]")).to_have_value(category)
