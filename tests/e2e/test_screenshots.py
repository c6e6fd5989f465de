"""Screenshots of the list, the form, the dashboard and an admin page in Spanish and English, saved under
test-results/screenshots (the folder CI keeps); docs/screenshots holds the two the README shows."""
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS
from tests.e2e.test_admin import sign_in_as

pytestmark = pytest.mark.e2e
SHOTS = RESULTS / "screenshots"


@pytest.mark.parametrize("language", ["en", "es"])
def test_screenshots_of_the_workspace(page: Page, admin, language):
    examples = [("La impresora de la segunda planta no imprime", 2, 2), ("VPN drops every few minutes", 1, 2),
                ("No puedo acceder a la carpeta compartida de RR. HH.", 3, 3)]
    made = [admin.post("/api/tickets", json={"short_description": text, "impact": impact, "urgency": urgency,
                                             "caller": {"name": "Lucía Fernández"}}).json()
            for text, impact, urgency in examples]
    admin.post(f"/api/tickets/{made[0]['number']}/comments", json={"body": "Reiniciada la cola de impresión."})
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as(page, f"e2e-shots-{language}@example.com", {"agent", "admin"})
    page.select_option("#language", language)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, where, ready in (("dashboard", "#/dashboard", ".per-day svg"), ("list", "#/tickets?view=open", "tbody tr"),
                               ("form", f"#/tickets/{made[0]['number']}", ".entries li"),
                               ("admin", "#/admin", ".sla-targets tbody tr")):
        page.goto(f"/{where}")
        expect(page.locator(ready).first).to_be_visible()
        path = SHOTS / f"{name}-{language}.png"
        page.screenshot(path=str(path), full_page=name != "list")
        assert path.stat().st_size > 10_000  # a real page, not a blank one
