"""With PostgreSQL out of reach, the API answers 503 and health says which dependency is down."""
import azure.functions as func
import pytest

from domain import bootstrap
from domain.services.health import check_health
from domain.settings import Settings, get_settings
from tests.conftest import principal_cookie

NOWHERE = "postgresql://postgres@127.0.0.1:1/atiende"


def test_health_reports_the_database_unavailable():
    report = check_health(lambda: bootstrap.uow(Settings(DATABASE_URL=NOWHERE)))
    assert report.status == "degraded"
    assert report.checks["postgresql"].status == "unavailable"


@pytest.fixture
def nowhere(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", NOWHERE)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_an_api_call_gets_503_problem_when_the_database_is_down(nowhere):
    from blueprints.tickets import get_ticket

    request = func.HttpRequest(
        "GET", "http://localhost/api/tickets/INC0010001", route_params={"number": "INC0010001"}, body=b"",
        headers={"x-ms-client-principal": principal_cookie("ana@example.com", ["agent"])},
    )
    response = get_ticket(request)
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert b"not reachable" in response.get_body()
