"""devhost's Static Web Apps emulation: sign-in, /.auth/me, route roles, fallback and global headers."""
import json
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def browser_like(devhost):
    with httpx.Client(base_url=devhost, follow_redirects=False, timeout=10) as client:
        yield client


def sign_in(client, user, roles, target="/"):
    params = [("user", user), *[("role", r) for r in roles], ("post_login_redirect_uri", target)]
    return client.get("/.auth/login/aad/done", params=params)


def test_the_app_sends_anonymous_users_to_sign_in(browser_like):
    response = browser_like.get("/")
    assert response.status_code == 302
    assert response.headers["location"].startswith("/.auth/login/aad?post_login_redirect_uri=/")
    page = browser_like.get("/.auth/login/aad")
    assert page.status_code == 200 and "<form" in page.text


def test_signing_in_sets_the_cookie_and_me_reports_the_principal(browser_like):
    response = sign_in(browser_like, "ana@example.com", ["agent"], "/#/tickets")
    assert response.status_code == 302 and response.headers["location"] == "/#/tickets"
    me = browser_like.get("/.auth/me").json()["clientPrincipal"]
    assert me["userDetails"] == "ana@example.com"
    assert set(me["userRoles"]) == {"anonymous", "authenticated", "agent"}
    assert browser_like.get("/").status_code == 200
    assert browser_like.get("/api/tickets").status_code == 200


def test_a_user_without_an_app_role_gets_the_forbidden_page(browser_like):
    sign_in(browser_like, "guest@example.com", [])
    response = browser_like.get("/")
    assert response.status_code == 403 and "no agent or admin role" in response.text


def test_sign_out_clears_the_principal(browser_like):
    sign_in(browser_like, "ana@example.com", ["agent"])
    browser_like.get("/.auth/logout")
    browser_like.cookies.clear()
    assert browser_like.get("/.auth/me").json() == {"clientPrincipal": None}


def test_redirects_after_sign_in_stay_on_this_site(browser_like):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert sign_in(browser_like, "ana@example.com", ["agent"], target).headers["location"] == "/"


def test_global_headers_carry_a_strict_content_security_policy(browser_like):
    config = json.loads((ROOT / "static_web" / "staticwebapp.config.json").read_text())
    response = browser_like.get("/css/app.css")
    assert response.status_code == 200
    for name, value in config["globalHeaders"].items():
        if name != "Content-Security-Policy":
            assert response.headers[name] == value
    # The policy is the config's, with devhost's Azurite added where the browser may send requests (it uploads
    # agents' files there, as it uploads to Blob Storage in Azure).
    policy = config["globalHeaders"]["Content-Security-Policy"]
    assert response.headers["content-security-policy"] == policy.replace(
        "connect-src 'self'", "connect-src 'self' http://127.0.0.1:10000")
    assert "https://*.blob.core.windows.net" in policy
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]


def test_static_files_and_the_fallback(browser_like):
    sign_in(browser_like, "ana@example.com", ["agent"])
    assert browser_like.get("/js/main.js").headers["content-type"].startswith("text/javascript")
    assert browser_like.get("/some/deep/link").status_code == 200  # navigation fallback to index.html
    assert browser_like.get("/js/missing.js").status_code == 404
    assert browser_like.get("/staticwebapp.config.json").status_code == 404
    for escape in ("/../pyproject.toml", "/%2e%2e/pyproject.toml", "/css/%2e%2e/%2e%2e/pyproject.toml"):
        assert "[project]" not in browser_like.get(escape).text
    assert browser_like.get("/docs/").status_code == 200
