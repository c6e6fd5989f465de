"""Headless Debian Chromium driven by Playwright, against devhost."""
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         # The tests talk to 127.0.0.1 only; every other name fails at once, so Chromium's own services
         # (updates, autofill, sign-in) never even look their hosts up.
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, devhost: str) -> Iterator[Page]:
    context = browser.new_context(base_url=devhost, locale="en-US", timezone_id="America/Mexico_City")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    # Chromium logs every 4xx fetch as a console error; the app reports those itself, so only other errors
    # (script failures, Content-Security-Policy violations) count as problems.
    page.on("console", lambda msg: problems.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))
    yield page
    RESULTS.mkdir(exist_ok=True)
    context.close()
    assert problems == [], problems
