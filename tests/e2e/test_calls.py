"""An agent simulates a phone call from the web app, finds it in the calls list and plays it on its ticket."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS
from tests.e2e.test_web_app import sign_in
from tests.random_refs import random_phone, random_word

pytestmark = pytest.mark.e2e


def test_a_simulated_call_becomes_a_ticket_with_its_call_panel(page: Page):
    sign_in(page, "e2e-calls@example.com")
    page.select_option("#language", "en")
    word, phone = random_word(), random_phone()

    page.click("#nav-calls")
    simulate = page.locator("#simulate")
    expect(simulate).to_be_visible()  # devhost offers it; Azure does not
    simulate.locator("input[name=from]").fill(phone)
    simulate.locator("select[name=lang]").select_option("en")
    simulate.locator("textarea[name=say]").fill(f"The {word} scanner on the third floor does not scan")
    simulate.locator("button[type=submit]").click()

    heard = simulate.locator(".heard")
    expect(heard).to_contain_text("Hello. Thank you for calling the service desk.", timeout=20_000)
    expect(heard.locator(".ticket-heard")).to_have_text(re.compile(r"Ticket heard: INC\d{7}"), timeout=30_000)
    number = heard.locator(".ticket-heard").inner_text().rsplit(" ", 1)[1]

    row = page.locator(".calls tbody tr", has=page.locator(f"a.ticket:text('{number}')"))
    expect(row).to_contain_text(phone)
    expect(row).to_contain_text("en-US")
    page.screenshot(path=str(RESULTS / "calls-en.png"), full_page=True)
    row.locator("a.ticket").click()

    expect(page.locator(".title")).to_have_text(number)
    panel = page.locator(".calls-panel")
    expect(panel).to_be_visible()
    card = panel.locator(".call").first
    expect(card.locator(".from")).to_have_text(phone)
    expect(card.locator(".speech")).to_contain_text(f"The {word} scanner on the third floor does not scan")
    expect(card.locator(".speech")).to_contain_text("confidence 92%")
    expect(card.locator(".steps li.done").first).to_have_text("Started")
    # The recording arrives after the hang-up; reload until the pipeline has kept it.
    for _ in range(40):
        if card.locator("audio").get_attribute("src"):
            break
        page.wait_for_timeout(500)
        page.reload()
        card = page.locator(".calls-panel .call").first
    src = card.locator("audio").get_attribute("src")
    assert src == card.locator("audio").get_attribute("src") and src.endswith("/recording")
    fetched = page.evaluate("async (src) => { const r = await fetch(src); return [r.status, r.headers.get('content-type')]; }", src)
    assert fetched == [200, "audio/wav"]
    expect(card.locator(".sms")).to_contain_text(f"we logged your ticket {number}")
    expect(card.locator(".sms")).to_contain_text("not sent: Twilio is not configured")
    page.screenshot(path=str(RESULTS / "ticket-call-panel-en.png"), full_page=True)

    page.select_option("#language", "es")
    expect(page.locator(".calls-panel h2")).to_have_text("Llamadas")
    expect(card.locator("dt").first).to_have_text("Transcripción en directo (Twilio)")
