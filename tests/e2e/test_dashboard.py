"""The dashboard agents land on: charts drawn from /api/dashboard, the same numbers in tables behind them."""
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS
from tests.e2e.test_web_app import sign_in

pytestmark = pytest.mark.e2e


def test_agents_land_on_the_dashboard_and_its_numbers_match_the_api(page: Page, agent):
    agent.post("/api/tickets", json={"short_description": "Dashboard printer jam", "impact": 1, "urgency": 1})
    sign_in(page, "e2e-dashboard@example.com")
    page.select_option("#language", "en")
    expect(page.locator(".dashboard h1")).to_have_text("Dashboard")
    board = agent.get("/api/dashboard", params={"tz": "America/Mexico_City"}).json()  # the browser's zone

    expect(page.locator(".cards .open-total")).to_have_text(f"{board['open']:,}")
    expect(page.locator(".cards .breached")).to_have_text(f"{board['sla']['breached']:,}")
    expect(page.locator(".by-priority svg rect")).to_have_count(5)
    expect(page.locator(".per-day svg rect")).to_have_count(60)
    priority = page.locator(".by-priority")
    priority.locator("summary").click()
    rows = priority.locator("tbody tr")
    expect(rows).to_have_count(5)
    critical = next(p["count"] for p in board["by_priority"] if p["priority"] == 1)
    expect(rows.first).to_have_text(f"1 - Critical{critical:,}")
    days = page.locator(".per-day")
    days.locator("summary").click()
    expect(days.locator("tbody tr")).to_have_count(30)
    expect(days.locator("tbody tr").last.locator("td").first).to_have_text(f"{board['per_day'][-1]['opened']:,}")
    assert "1 - Critical" in priority.locator("svg title").text_content()  # the picture's text summary
    page.screenshot(path=str(RESULTS / "dashboard-en.png"), full_page=True)

    page.select_option("#language", "es")
    expect(page.locator(".dashboard h1")).to_have_text("Panel")
    expect(page.locator(".by-priority figcaption")).to_have_text("Abiertos por prioridad")
    page.screenshot(path=str(RESULTS / "dashboard-es.png"), full_page=True)
