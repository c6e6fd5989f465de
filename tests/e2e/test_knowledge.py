"""An agent writes an article in Markdown, reads it rendered and sanitised, finds it beside a ticket, and drafts
another from a resolved ticket."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS
from tests.e2e.test_web_app import sign_in
from tests.integration.test_similar_api import wait_for_index
from tests.random_refs import random_word

pytestmark = pytest.mark.e2e


def test_an_article_is_written_rendered_safely_and_suggested_beside_a_ticket(page: Page, agent):
    word = random_word()
    sign_in(page, "e2e-kb@example.com")
    page.select_option("#language", "en")
    page.click("#nav-articles")
    page.click("text=New article")
    form = page.locator("#article-form")
    form.locator("input[name=title]").fill(f"Unlock a {word} badge that stopped opening doors")
    form.locator("select[name=language]").select_option("en")
    form.locator("select[name=state]").select_option("published")
    form.locator("textarea[name=body]").fill(
        "1. Open the **access portal**\n2. Choose *Reset badge*\n\n<img src=x onerror=alert(1)><script>alert(2)</script>")
    form.locator("button.save").click()

    expect(page).to_have_url(re.compile(r"#/articles/\d+$"))
    rendered = page.locator(".article .markdown")
    expect(rendered.locator("strong")).to_have_text("access portal")
    expect(rendered.locator("ol li")).to_have_count(2)
    # Raw HTML in the Markdown is shown as text, never run (a dialog or a CSP report would fail the page fixture).
    expect(rendered).to_contain_text("<img src=x onerror=alert(1)>")
    assert rendered.locator("script, img").count() == 0
    page.screenshot(path=str(RESULTS / "article-en.png"), full_page=True)

    ticket = agent.post("/api/tickets", json={"short_description": f"My {word} badge no longer opens the doors"}).json()
    wait_for_index(agent, ticket)
    page.goto(f"/#/tickets/{ticket['number']}")
    panel = page.locator(".articles-panel")
    link = panel.locator("a", has_text=f"Unlock a {word} badge")
    for _ in range(30):  # the article's vector arrives through the outbox within seconds
        if link.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(link).to_be_visible()

    agent.patch(f"/api/tickets/{ticket['number']}", headers={"If-Match": '"1"'}, json={
        "state": "resolved", "close_code": "solved_remotely", "close_notes": "Re-enrolled the badge remotely."})
    page.reload()
    page.locator(".article-from-ticket").click()
    expect(page).to_have_url(re.compile(r"#/articles/\d+$"))
    expect(page.locator("#article-form select[name=state]")).to_have_value("draft")
    expect(page.locator(".article .markdown")).to_contain_text("Re-enrolled the badge remotely.")
    page.select_option("#language", "es")
    expect(page.locator("#nav-articles")).to_have_text("Conocimiento")
