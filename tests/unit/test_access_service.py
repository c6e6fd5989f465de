"""Who is calling, and API keys' rules, against the fakes: a key works until it is revoked, its secret is shown
once, and only a key of ours or the Static Web Apps principal says who someone is."""
import base64
import json

import pytest

from domain.auth import ROLE_PERMISSIONS, Principal, hash_key
from domain.errors import NotAuthenticated, NotFound
from domain.schemas.access import ApiKeyIn
from domain.services.access import authenticate
from domain.services.api_keys import create_api_key, list_api_keys, revoke_api_key
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeUnitOfWork

ADMIN = Principal("admin@example.com", "user", ROLE_PERMISSIONS["admin"])


def swa_principal(user: str, roles: list[str]) -> str:
    return base64.b64encode(json.dumps({"identityProvider": "aad", "userId": user, "userDetails": user,
                                        "userRoles": ["anonymous", "authenticated", *roles]}).encode()).decode()


def test_a_new_key_shows_its_secret_once_keeps_only_its_hash_and_lets_its_holder_in():
    desk = DeskState()
    made = on_own_loop(create_api_key(ApiKeyIn(name=" ERP sync ", scopes=["tickets:read", "tickets:read"]), ADMIN,
                                      FakeUnitOfWork(desk)))
    assert made.name == "ERP sync" and made.scopes == ["tickets:read"] and made.key.startswith("atk_")
    assert list(desk.api_keys) == [hash_key(made.key)]  # the secret itself is never kept
    listed = on_own_loop(list_api_keys(FakeUnitOfWork(desk)))
    assert [k.id for k in listed] == [made.id] and "key" not in listed[0].model_dump()
    who = on_own_loop(authenticate(None, None, made.key, FakeUnitOfWork(desk)))
    assert (who.name, who.kind) == ("api:ERP sync", "api_key")
    assert "tickets:read" in who.permissions and "tickets:write" not in who.permissions
    assert on_own_loop(authenticate(None, f"Bearer {made.key}", None, FakeUnitOfWork(desk))).name == "api:ERP sync"
    assert desk.api_keys[hash_key(made.key)]["last_used_at"] is not None


def test_a_revoked_key_is_refused_and_revoking_again_answers_the_same():
    desk = DeskState()
    made = on_own_loop(create_api_key(ApiKeyIn(name="Old", scopes=["tickets:write"]), ADMIN, FakeUnitOfWork(desk)))
    first = on_own_loop(revoke_api_key(made.id, ADMIN, FakeUnitOfWork(desk)))
    again = on_own_loop(revoke_api_key(made.id, ADMIN, FakeUnitOfWork(desk)))
    assert first.revoked_at is not None and again == first
    with pytest.raises(NotAuthenticated):
        on_own_loop(authenticate(None, None, made.key, FakeUnitOfWork(desk)))
    with pytest.raises(NotFound):
        on_own_loop(revoke_api_key(made.id + 100, ADMIN, FakeUnitOfWork(desk)))


@pytest.mark.parametrize("key", ["atk_" + "x" * 43, "not-ours", "atk_" + "x" * 300, " "])
def test_a_key_we_never_issued_is_refused(key):
    with pytest.raises(NotAuthenticated):
        on_own_loop(authenticate(None, None, key, FakeUnitOfWork()))


def test_without_a_key_the_platform_principal_says_who_it_is_and_a_foreign_bearer_token_says_nothing():
    principal = swa_principal("ana@example.com", ["agent"])
    who = on_own_loop(authenticate(principal, "Bearer eyJ.platform.token", None, FakeUnitOfWork()))
    assert (who.name, who.kind) == ("ana@example.com", "user") and "tickets:write" in who.permissions
    with pytest.raises(NotAuthenticated):
        on_own_loop(authenticate(None, "Bearer eyJ.platform.token", None, FakeUnitOfWork()))
    with pytest.raises(NotAuthenticated):
        on_own_loop(authenticate(None, None, None, FakeUnitOfWork()))
