"""axe-core (tests/e2e/vendor, MPL-2.0) finds no serious or critical violation on the pages agents live in."""
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_admin import sign_in_as
from tests.random_refs import random_name

pytestmark = pytest.mark.e2e
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def violations(page: Page) -> list[str]:
    # evaluate runs outside the page's Content-Security-Policy, which rightly refuses injected scripts.
    page.evaluate(AXE)
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
            .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    }""")
    return found


@pytest.mark.parametrize("language", ["en", "es"])
def test_list_form_dashboard_and_admin_pages_have_no_serious_violations(page: Page, admin, language):
    ticket = admin.post("/api/tickets", json={"short_description": random_name("Accessible"), "impact": 1,
                                              "caller": {"name": "Ana"}}).json()
    admin.post(f"/api/tickets/{ticket['number']}/comments", json={"body": "Looking into it"})
    sign_in_as(page, f"e2e-axe-{language}@example.com", {"agent", "admin"})
    page.select_option("#language", language)
    pages = {
        "dashboard": ("#/dashboard", ".dashboard .per-day svg"),
        "list": ("#/tickets?view=all", "tbody tr"),
        "form": (f"#/tickets/{ticket['number']}", ".entries li"),
        "new": ("#/new", "#ticket-form"),
        "admin": ("#/admin", ".admin .sla-targets tbody tr"),
    }
    found = {}
    for name, (where, ready) in pages.items():
        page.goto(f"/{where}")
        expect(page.locator(ready).first).to_be_visible()
        if name == "list":
            page.locator("tbody input.pick").first.check()  # with the bulk bar showing
        found[name] = violations(page)
    assert found == {name: [] for name in pages}
