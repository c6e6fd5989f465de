"""The whole loop on one machine, as a person would try it: an agent answers a ticket in the web app, the
requester's side (devhost playing their phone and mailbox) shows the SMS and the e-mail, the requester answers
both ways, and the agent sees the answers and each message's delivery state in the ticket's activity."""
import uuid

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import Devhost, principal_cookie
from tests.e2e.conftest import RESULTS
from tests.e2e.test_web_app import sign_in
from tests.random_refs import random_phone, random_word

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def local_desk(database_url, mail_servers, tmp_path_factory):
    """devhost playing Twilio's Messages API itself (serve --local-sms), telling requesters at once."""
    desk = f"desk-{uuid.uuid4().hex[:8]}@atiende.test"  # a mailbox of its own, read by this devhost alone
    host = Devhost(database_url, tmp_path_factory.mktemp("requester") / "devhost.log", serve_args=("--local-sms",),
                   NOTIFY_QUIET_SECONDS="0", NOTIFY_MAX_WAIT_SECONDS="0", QUIET_HOURS="", MAIL_FROM=desk,
                   IMAP_USERNAME=desk)
    yield host.start()
    host.stop()


WORDS = {"en": {"sms": "SMS", "email": "E-mail", "delivered": "delivered", "reply": "Reply to this message"},
         "es": {"sms": "SMS", "email": "Correo", "delivered": "entregado", "reply": "Responda a este mensaje"}}


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_agents_answer_reaches_the_requester_who_answers_back(browser: Browser, local_desk, language):
    words = WORDS[language]
    phone, email, word = random_phone(), f"rosa-{uuid.uuid4().hex[:8]}@example.test", random_word()
    agent = httpx.Client(base_url=local_desk.base, timeout=15,
                         cookies={"StaticWebAppsAuthCookie": principal_cookie("e2e-requester@example.com", ["agent"])})
    ticket = agent.post("/api/tickets", json={"short_description": f"Printer {word} jams", "caller": {
        "name": "Rosa Prieto", "phone": phone, "email": email, "language": language}}).json()
    number = ticket["number"]

    context = browser.new_context(base_url=local_desk.base, locale=f"{language}-MX", timezone_id="America/Mexico_City")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, "e2e-requester@example.com")
        page.select_option("#language", language)
        page.goto(f"/#/tickets/{number}")
        comment = page.locator("#comment-form")
        comment.locator("textarea").fill(f"Please open tray 2 of printer {word}.")
        comment.locator("button[type=submit]").click()
        expect(page.locator(".entries li.comment .text").first).to_have_text(f"Please open tray 2 of printer {word}.")

        expect(page.locator("#nav-requester")).to_be_visible()  # devhost with --local-sms offers it
        page.click("#nav-requester")
        who = page.locator(".requester-who")
        who.locator("input[name=phone]").fill(phone)
        who.locator("input[name=email]").fill(email)
        who.locator("input[name=email]").dispatch_event("change")
        # The desk's timer sends within fifteen seconds; the page looks again every three.
        first_sms = page.locator(".sms-list li").first
        expect(first_sms).to_contain_text(f"Please open tray 2 of printer {word}.", timeout=30_000)
        expect(first_sms).to_contain_text(words["reply"])  # in the requester's language
        expect(page.locator(".mail-list li").first).to_contain_text(f"[{number}]", timeout=30_000)
        page.screenshot(path=str(RESULTS / f"requester-side-{language}.png"), full_page=True)

        sms = page.locator(".sms-send")
        sms.locator("textarea").fill("Done, it prints again.")
        sms.locator("button[type=submit]").click()
        page.locator(".mail-list li button").first.click()  # reply to the desk's e-mail
        mail = page.locator(".mail-send")
        mail.locator("textarea").fill("Thanks, all good now.")
        mail.locator("button[type=submit]").click()

        page.goto(f"/#/tickets/{number}")
        entries = page.locator(".entries")
        expect(entries.locator("li.comment .text", has_text="Done, it prints again.")).to_have_count(1)
        for _ in range(40):  # the mailbox is read every thirty seconds
            if entries.locator("li.comment .text", has_text="Thanks, all good now.").count():
                break
            page.wait_for_timeout(1000)
            page.reload()
        expect(entries.locator("li.comment .text", has_text="Thanks, all good now.")).to_have_count(1)
        expect(entries.locator("li.notification .delivery", has_text=words["sms"])).to_contain_text(words["delivered"])
        expect(entries.locator("li.notification .delivery", has_text=words["email"])).to_contain_text(email)
    finally:
        context.close()
        agent.close()
