"""With PostgreSQL out of reach, the API answers 503 and health says which dependency is down."""
import azure.functions as func
import pytest

from domain import bootstrap
from domain.services.health import check_health
from domain.settings import Settings, get_settings
from tests.conftest import on_own_loop, principal_cookie

NOWHERE = "postgresql://postgres@127.0.0.1:1/atiende"


def test_health_reports_the_database_unavailable():
    report = on_own_loop(check_health(lambda: bootstrap.uow(Settings(DATABASE_URL=NOWHERE))))
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
    response = on_own_loop(get_ticket(request))
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert b"not reachable" in response.get_body()


@pytest.mark.parametrize(("pipeline_started", "promise"), [(False, "call again"), (True, "text you")])
def test_a_caller_on_the_line_hears_what_will_happen_when_a_webhook_fails(monkeypatch, pipeline_started, promise):
    """Before the pipeline holds their report, the caller is asked to call again; an SMS is promised only after."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlencode

    from twilio.request_validator import RequestValidator

    from blueprints._twilio import twilio_webhook
    from domain.errors import DependencyUnavailable

    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token-for-this-test")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://desk.example.com")
    monkeypatch.setenv("DEFAULT_CALL_LOCALE", "en-US")
    get_settings.cache_clear()
    try:
        async def handler(req, form, client):
            raise DependencyUnavailable("The database is not reachable right now.")

        door = twilio_webhook(conversation=True, pipeline_started=pipeline_started)(handler)
        form = {"CallSid": "CA" + "1" * 32, "From": "+12025550100", "To": "+15005550006"}
        signature = RequestValidator("token-for-this-test").compute_signature(
            "https://desk.example.com/api/voice/incoming", form)
        request = func.HttpRequest("POST", "http://localhost/api/voice/incoming", body=urlencode(form).encode(),
                                   headers={"x-twilio-signature": signature,
                                            "content-type": "application/x-www-form-urlencoded"})
        # In a thread of its own: the browser tests may leave an event loop running in this one.
        with ThreadPoolExecutor(1) as thread:
            answer = thread.submit(asyncio.run, door(request, None)).result()
        assert answer.status_code == 200 and b"<Hangup" in answer.get_body()
        assert promise in answer.get_body().decode()
    finally:
        get_settings.cache_clear()
