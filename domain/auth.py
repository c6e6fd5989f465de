"""Who is calling and what they may do: Static Web Apps principals, API keys and their scopes."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass

from domain.errors import Forbidden, NotAuthenticated

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "agent": frozenset({"tickets:read", "tickets:write", "reference:read"}),
    "admin": frozenset({"tickets:read", "tickets:write", "reference:read", "reference:write", "api_keys:manage"}),
}
# Reading reference data comes with reading tickets: an integrator needs the names to create one.
SCOPE_PERMISSIONS: dict[str, frozenset[str]] = {
    "tickets:read": frozenset({"tickets:read", "reference:read"}),
    "tickets:write": frozenset({"tickets:write"}),
}
KEY_PREFIX = "atk_"


@dataclass(frozen=True)
class Principal:
    name: str
    kind: str  # "user" or "api_key"
    permissions: frozenset[str]
    roles: frozenset[str] = frozenset()

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise Forbidden(f"{self.name} lacks the {permission} permission.")


def principal_from_swa_header(value: str) -> Principal:
    """Decode `x-ms-client-principal` (base64 JSON, as Static Web Apps sends it)."""
    try:
        data = json.loads(base64.b64decode(value, validate=True))
        name = data.get("userDetails") or data.get("userId")
        roles = frozenset(r for r in data.get("userRoles") or [] if isinstance(r, str))
    except (binascii.Error, ValueError, AttributeError, TypeError) as err:
        raise NotAuthenticated("The client principal header cannot be read.") from err
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise NotAuthenticated("The client principal names no user.")
    permissions = frozenset().union(*(ROLE_PERMISSIONS.get(role, frozenset()) for role in roles))
    return Principal(name=name.strip(), kind="user", permissions=permissions, roles=roles)


def principal_for_key(name: str, scopes: list[str]) -> Principal:
    permissions = frozenset().union(*(SCOPE_PERMISSIONS.get(scope, frozenset()) for scope in scopes))
    return Principal(name=f"api:{name}", kind="api_key", permissions=permissions)


def new_api_key() -> tuple[str, str, str]:
    """A fresh key, the prefix shown to admins to tell keys apart, and the hash that is stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[:12], hash_key(key)


def hash_key(key: str) -> str:
    # The key carries 256 random bits, so a plain digest is as strong as a slow hash here and far cheaper.
    return hashlib.sha256(key.encode()).hexdigest()
