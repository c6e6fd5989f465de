"""Azure Static Web Apps on one machine: the config's routes and roles, `/.auth`, and the principal header.

Like the Static Web Apps CLI, the signed-in user lives in a `StaticWebAppsAuthCookie` cookie holding the
client principal as base64 JSON; API calls get it as `x-ms-client-principal`, and any such header the
browser sent is dropped, as the real service does.
"""
from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import mimetypes
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

COOKIE = "StaticWebAppsAuthCookie"
PRINCIPAL_HEADER = "x-ms-client-principal"
BUILT_IN_ROLES = ("anonymous", "authenticated")
CUSTOM_ROLES = ("agent", "admin")
ApiHandler = Callable[[Request, dict[str, str | None]], Awaitable[Response]]


@dataclass(frozen=True)
class Rule:
    route: str
    allowed_roles: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    rewrite: str | None = None
    redirect: str | None = None
    status_code: int | None = None
    headers: dict[str, str] | None = None

    def matches(self, path: str, method: str) -> bool:
        if self.methods and method not in self.methods:
            return False
        if self.route.endswith("*"):
            return path.startswith(self.route[:-1]) or path == self.route[:-2]
        return path == self.route


def read_principal(request: Request) -> dict[str, Any] | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    # The same strict reading the app does: the real service only ever sends principals it made itself, and a
    # cookie forged on this machine must not be able to crash the emulation.
    from domain.auth import read_client_principal

    principal = read_client_principal(raw)
    if principal is None or principal.userDetails is None:
        return None
    return principal.model_dump()


def encode_principal(user: str, roles: list[str], provider: str = "aad") -> str:
    principal = {
        "identityProvider": provider,
        "userId": hashlib.sha256(user.encode()).hexdigest()[:32],
        "userDetails": user,
        "userRoles": [*BUILT_IN_ROLES, *(r for r in roles if r in CUSTOM_ROLES)],
        "claims": [],
    }
    return base64.b64encode(json.dumps(principal).encode()).decode()


class StaticWebApp:
    def __init__(self, root: Path, api: ApiHandler, connect_sources: tuple[str, ...] = ()):
        """`connect_sources`: origins the page may also send requests to, added to the policy's connect-src
        (devhost's Azurite, where the browser uploads files, as it uploads to Blob Storage in Azure)."""
        self.root = root.resolve()
        self.api = api
        config = json.loads((root / "staticwebapp.config.json").read_text())
        self.rules = [
            Rule(
                route=r["route"], allowed_roles=tuple(r.get("allowedRoles", ())),
                methods=tuple(m.upper() for m in r.get("methods", ())), rewrite=r.get("rewrite"),
                redirect=r.get("redirect"), status_code=r.get("statusCode"), headers=r.get("headers"),
            )
            for r in config.get("routes", [])
        ]
        self.fallback = config.get("navigationFallback")
        self.overrides = config.get("responseOverrides", {})
        headers = dict(config.get("globalHeaders", {}))
        policy = headers.get("Content-Security-Policy")
        if policy and connect_sources:
            headers["Content-Security-Policy"] = policy.replace("connect-src 'self'",
                                                                "connect-src 'self' " + " ".join(connect_sources))
        self.global_headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
                               for name, value in headers.items()]
        self.platform_token = secrets.token_urlsafe(24)

    async def __call__(self, request: Request) -> Response:
        response = await self._dispatch(request)
        present = {name for name, _ in response.raw_headers}
        response.raw_headers.extend(header for header in self.global_headers if header[0] not in present)
        return response

    async def _dispatch(self, request: Request) -> Response:
        path = request.scope["path"]
        if path.startswith("/.auth/"):
            return self._auth(request)
        principal = read_principal(request)
        roles = set(principal["userRoles"]) if principal else {"anonymous"}
        rule = next((r for r in self.rules if r.matches(path, request.method)), None)
        if rule is not None:
            if rule.allowed_roles and not roles & set(rule.allowed_roles):
                return self._override(401 if principal is None else 403, request)
            if rule.redirect:
                return RedirectResponse(rule.redirect, status_code=rule.status_code or 302)
            if rule.status_code and not rule.rewrite:
                return self._override(rule.status_code, request)
        if path == "/api" or path.startswith("/api/"):
            # As the real service does: the browser's principal header is dropped, and Authorization is
            # replaced by the platform's own token (https://github.com/Azure/static-web-apps/issues/34).
            return await self.api(request, {"authorization": f"Bearer {self.platform_token}",
                                            PRINCIPAL_HEADER: request.cookies[COOKIE] if principal else None})
        target = rule.rewrite if rule and rule.rewrite else path
        response = self._file(target)
        if response is None and self.fallback and not self._excluded(path):
            response = self._file(self.fallback["rewrite"])
        if response is None:
            return self._override(404, request)
        if rule and rule.headers:
            response.headers.update(rule.headers)
        return response

    def _file(self, path: str) -> Response | None:
        relative = path.lstrip("/") or "index.html"
        try:
            candidate = (self.root / relative).resolve()
            if candidate.is_dir():
                candidate = candidate / "index.html"
            if not candidate.is_file() or self.root not in candidate.parents or candidate.name == "staticwebapp.config.json":
                return None
        except (ValueError, OSError):  # a NUL byte, a name too long: no such file can exist
            return None
        media_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        if candidate.suffix == ".js":
            media_type = "text/javascript"
        return FileResponse(candidate, media_type=media_type)

    def _excluded(self, path: str) -> bool:
        patterns = self.fallback.get("exclude", []) if self.fallback else []
        return any(fnmatch.fnmatch(path, option) for p in patterns for option in _expand(p))

    def _override(self, status: int, request: Request) -> Response:
        override = self.overrides.get(str(status))
        if override and override.get("redirect"):
            target = override["redirect"].replace(".referrer", quote(request.url.path, safe="/"))
            return RedirectResponse(target, status_code=override.get("statusCode", 302))
        if override and override.get("rewrite"):
            page = self._file(override["rewrite"])
            if page is not None:
                page.status_code = override.get("statusCode", status)
                return page
        return Response(f"{status}", status_code=status, media_type="text/plain")

    def _auth(self, request: Request) -> Response:
        path = request.url.path
        if path == "/.auth/me":
            # Who is signed in changes with the cookie, never with the URL: no cache may answer for it.
            return JSONResponse({"clientPrincipal": _public(read_principal(request))},
                                headers={"Cache-Control": "no-store"})
        if path.startswith("/.auth/logout"):
            response = RedirectResponse(_local(request.query_params.get("post_logout_redirect_uri")), status_code=302)
            response.delete_cookie(COOKIE, path="/")
            return response
        found = re.fullmatch(r"/\.auth/login/([a-z]+)(/done)?", path)
        if not found:
            return Response("404", status_code=404, media_type="text/plain")
        provider = found.group(1)
        target = _local(request.query_params.get("post_login_redirect_uri"))
        if found.group(2):
            user = (request.query_params.get("user") or "").strip()
            roles = [r for r in request.query_params.getlist("role") if r in CUSTOM_ROLES]
            if not user or len(user) > 200:
                return self._login_page(provider, target, "Enter a user name.")
            response = RedirectResponse(target, status_code=302)
            response.set_cookie(COOKIE, encode_principal(user, roles, provider), path="/", httponly=True, samesite="lax")
            return response
        return self._login_page(provider, target)

    @staticmethod
    def _login_page(provider: str, target: str, error: str = "") -> HTMLResponse:
        action = f"/.auth/login/{escape(provider)}/done"
        boxes = "".join(
            f'<label><input type="checkbox" name="role" value="{r}" checked> {r}</label>' for r in CUSTOM_ROLES
        )
        message = f'<p class="error">{escape(error)}</p>' if error else ""
        html = (
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Atiende: local sign-in</title>"
            "<link rel=\"stylesheet\" href=\"/css/app.css\"></head><body class=\"login\"><main>"
            "<h1>Atiende</h1><p>Local sign-in, standing in for Static Web Apps authentication.</p>"
            f"{message}<form method=\"get\" action=\"{action}\">"
            f"<input type=\"hidden\" name=\"post_login_redirect_uri\" value=\"{escape(target)}\">"
            "<label>User <input name=\"user\" value=\"agent@atiende.local\" autocomplete=\"username\"></label>"
            f"<fieldset><legend>Roles</legend>{boxes}</fieldset>"
            "<button type=\"submit\">Sign in</button></form></main></body></html>"
        )
        return HTMLResponse(html)


def _public(principal: dict[str, Any] | None) -> dict[str, Any] | None:
    if principal is None:
        return None
    return {k: principal.get(k) for k in ("identityProvider", "userId", "userDetails", "userRoles")}


def _local(target: str | None) -> str:
    # Only same-site paths: a login link must not bounce the user to someone else's site.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _expand(pattern: str) -> list[str]:
    found = re.search(r"\{([^}]*)\}", pattern)
    if not found:
        return [pattern]
    return [pattern[:found.start()] + option + pattern[found.end():] for option in found.group(1).split(",")]
