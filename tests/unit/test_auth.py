import base64
import json

import pytest

from domain.auth import hash_key, new_api_key, principal_for_key, principal_from_swa_header
from domain.errors import Forbidden, NotAuthenticated


def header(**principal) -> str:
    return base64.b64encode(json.dumps(principal).encode()).decode()


def test_an_agent_reads_and_writes_tickets_but_not_reference_data():
    who = principal_from_swa_header(header(userDetails="ana@example.com", userRoles=["authenticated", "agent"]))
    assert who.name == "ana@example.com"
    who.require("tickets:write")
    who.require("reference:read")
    with pytest.raises(Forbidden):
        who.require("reference:write")


def test_an_admin_manages_keys_and_reference_data():
    who = principal_from_swa_header(header(userDetails="root@example.com", userRoles=["admin"]))
    for permission in ("tickets:read", "tickets:write", "reference:write", "api_keys:manage"):
        who.require(permission)


def test_a_signed_in_user_without_a_role_may_do_nothing():
    who = principal_from_swa_header(header(userDetails="guest@example.com", userRoles=["anonymous", "authenticated"]))
    assert who.permissions == frozenset()


@pytest.mark.parametrize("raw", ["not base64!", base64.b64encode(b"[1,2]").decode(), header(userRoles=["admin"]),
                                 base64.b64encode(b"{broken").decode()])
def test_unreadable_principals_are_not_authenticated(raw):
    with pytest.raises(NotAuthenticated):
        principal_from_swa_header(raw)


def test_key_scopes_grant_only_what_they_name():
    reader = principal_for_key("crm", ["tickets:read"])
    reader.require("reference:read")
    with pytest.raises(Forbidden):
        reader.require("tickets:write")
    writer = principal_for_key("crm", ["tickets:write"])
    with pytest.raises(Forbidden):
        writer.require("tickets:read")


def test_new_keys_are_random_and_only_their_hash_is_kept():
    key, prefix, digest = new_api_key()
    other, _, _ = new_api_key()
    assert key != other and key.startswith(prefix) and prefix.startswith("atk_")
    assert digest == hash_key(key) and key not in digest and len(digest) == 64
