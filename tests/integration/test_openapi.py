"""The OpenAPI 3.1 document: valid, complete, and true to the API when fuzzed by schemathesis."""
import psycopg
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

import function_app
from blueprints._openapi import document as openapi_document
from devhost.functions import http_functions
from tests.conftest import TEST_DATABASE_URL, Devhost, fresh_database, principal_cookie


@pytest.fixture(scope="module")
def document(anonymous):
    response = anonymous.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_http_function_is_documented_and_nothing_else(document):
    served = set()
    for function in http_functions(function_app.app):
        path = "/" + function.template.replace(":int", "")
        served |= {(path, method.lower()) for method in function.methods}
    documented = {(path, method) for path, methods in document["paths"].items() for method in methods}
    assert documented == served


def test_every_operation_documents_its_problems(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if operation.get("security") == [{"twilioSignature": []}]:
                assert "403" in operation["responses"], (path, method)
            elif operation.get("security") != []:
                assert {"401", "403"} <= set(operation["responses"]), (path, method)
            if "requestBody" in operation:
                assert "422" in operation["responses"], (path, method)


# The same document the API serves; the server part is filled in per call, once devhost has a port.
schema = schemathesis.openapi.from_dict(openapi_document("http://127.0.0.1"))


@pytest.fixture(scope="module")
def fuzzed_desk(search_redis, tmp_path_factory):
    """A desk of its own: an admin's schema-valid requests rename groups and replace any category's subcategories,
    which on the suite's desk would pull labels from under other tests' feet."""
    # Named after the run's own test database, so that runs beside each other on one server keep to their own.
    name = psycopg.conninfo.conninfo_to_dict(TEST_DATABASE_URL)["dbname"] + "_fuzzed"
    host = Devhost(fresh_database(name), tmp_path_factory.mktemp("fuzzed") / "devhost.log").start()
    yield host.base
    host.stop()


@pytest.fixture(scope="module")
def admin_session():
    session = requests.Session()
    session.cookies.set("StaticWebAppsAuthCookie", principal_cookie("fuzzer@example.com", ["admin"]))
    yield session
    session.close()


# Derandomized so that a run is reproducible: CI checks the same cases for the same code. To explore
# further, run this test with a higher max_examples and derandomize off.
@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_behaves_as_documented_under_fuzzing(case, admin_session, fuzzed_desk):
    if case.operation.method.upper() == "PATCH":
        case.headers = {**(case.headers or {}), "If-Match": "*"}
    # Left out, with reasons: the session signs in through the Static Web Apps cookie, which the document
    # cannot describe, so refusing forged auth is test_access.py's job (every route); and a schema-valid body
    # may still name a ticket, group or category that does not exist, which is a documented 422.
    case.call_and_validate(
        base_url=f"{fuzzed_desk}/api", session=admin_session,
        excluded_checks=[schemathesis.checks.ignored_auth, schemathesis.checks.positive_data_acceptance],
    )
