"""Property-based fuzzing (Hypothesis) of what the OpenAPI fuzzer cannot describe: sign-in principals, API keys,
cookies, If-Match, Idempotency-Key and raw paths and query strings, on every kind of route. Any 5xx fails, and so
does any change to the database from a refused request. Derandomized: CI checks the same cases every run."""
import base64
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import principal_cookie

TABLES = ("tickets", "ticket_activity", "contacts", "assignment_groups", "categories", "api_keys", "group_members",
          "articles", "calls")
ROUTES = [("GET", "/api/tickets"), ("POST", "/api/tickets"), ("GET", "/api/tickets/INC0010001"),
          ("PATCH", "/api/tickets/INC0010001"), ("POST", "/api/tickets/INC0010001/comments"),
          ("GET", "/api/dashboard"), ("GET", "/api/search"), ("POST", "/api/triage"), ("GET", "/api/calls"),
          ("POST", "/api/groups"), ("DELETE", "/api/api-keys/1"), ("POST", "/api/contacts/1/erase"),
          ("POST", "/api/voice/incoming"), ("GET", "/api/health"), ("GET", "/api/articles")]
# Header values HTTP can carry: latin-1 without CR, LF or NUL, with the characters that break naive parsers.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"),
                      max_size=300)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=50),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                        max_size=4), max_leaves=12)
principals = st.one_of(
    json_values.map(lambda v: base64.b64encode(json.dumps(v).encode()).decode()),
    st.fixed_dictionaries({"userDetails": json_values, "userRoles": json_values}).map(
        lambda v: base64.b64encode(json.dumps(v).encode()).decode()),
)
query_text = st.text(st.characters(min_codepoint=1, max_codepoint=0x10FFFF, blacklist_categories=("Cs",)), max_size=40)


def snapshot(db) -> dict:
    return {t: db.execute(f"SELECT count(*), coalesce(sum(xmin::text::bigint), 0) FROM {t}").fetchone()  # noqa: S608
            for t in TABLES}


@pytest.fixture(scope="module")
def client(devhost):
    with httpx.Client(base_url=devhost, timeout=30) as session:
        yield session


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# The principal travels as the Static Web App sends it to the app, and in the cookie the emulation reads.
@given(route=st.sampled_from(ROUTES), principal=st.none() | header_text | principals, key=st.none() | header_text,
       if_match=st.none() | header_text, idempotency=st.none() | header_text,
       # A signed-in agent too, so that bodies, queries and If-Match reach the rules behind authentication.
       cookie=st.none() | header_text | principals.map(lambda p: f"StaticWebAppsAuthCookie={p}")
       | st.just(f"StaticWebAppsAuthCookie={principal_cookie('fuzz-agent@example.com', ['agent'])}"),
       params=st.dictionaries(query_text, query_text, max_size=3), body=json_values)
def test_hostile_headers_and_queries_never_5xx_and_refusals_write_nothing(client, db, route, principal, key,
                                                                          if_match, idempotency, cookie, params,
                                                                          body):
    method, path = route
    # Sent as the bytes they are: HTTP headers are latin-1 on the wire.
    sent = (("x-ms-client-principal", principal), ("x-api-key", key), ("if-match", if_match),
            ("idempotency-key", idempotency), ("cookie", cookie))
    headers = {name: value.strip(" \t").encode("latin-1") for name, value in sent if value is not None}
    before = snapshot(db)
    response = client.request(method, path, headers=headers, params=params,
                              json=body if method in ("POST", "PATCH") else None)
    assert response.status_code < 500, (route, headers, params, body, response.text)
    if response.status_code >= 400:
        assert snapshot(db) == before, (route, headers, params, body, response.status_code)
