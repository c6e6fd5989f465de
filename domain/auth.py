"""Who is calling and what they may do: Static Web Apps principals, API keys and their scopes."""
from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.errors import Forbidden, NotAuthenticated
from domain.text import INVISIBLE

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "agent": frozenset({"tickets:read", "tickets:write", "reference:read"}),
    "admin": frozenset({"tickets:read", "tickets:write", "reference:read", "reference:write", "api_keys:manage",
                        "callers:erase"}),
}
# Reading reference data comes with reading tickets: an integrator needs the names to create one.
SCOPE_PERMISSIONS: dict[str, frozenset[str]] = {
    "tickets:read": frozenset({"tickets:read", "reference:read"}),
    "tickets:write": frozenset({"tickets:write"}),
}
KEY_PREFIX = "atk_"
# A write answers with what it wrote, which is data; a caller who may write but not read gets a receipt instead.
READ_BEHIND_WRITE: dict[str, str] = {"tickets:write": "tickets:read", "reference:write": "reference:read"}


@dataclass(frozen=True)
class Principal:
    name: str
    kind: str  # "user" or "api_key"
    permissions: frozenset[str]
    roles: frozenset[str] = frozenset()

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise Forbidden(f"{self.name} lacks the {permission} permission.")

    def may_read_answer_to(self, permission: str) -> bool:
        """Whether the answer to an operation needing `permission` may carry the data it wrote."""
        read = READ_BEHIND_WRITE.get(permission)
        return read is None or read in self.permissions


# Printable text: no C0 controls, DEL, or the invisible format characters a name could hide in (the JSON parser
# already refuses lone surrogates).
_PRINTABLE_NAME = rf"^[^\x00-\x1f\x7f{INVISIBLE}]+$"
_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_PRINTABLE_NAME)]


class ClientPrincipal(BaseModel):
    """`x-ms-client-principal` as Static Web Apps sends it; any other shape is no principal at all. Frozen:
    one decoded principal serves every request that sends the same header."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)

    identityProvider: _Text | None = None
    userId: _Text | None = None
    userDetails: _Text | None = None
    userRoles: Annotated[list[Annotated[str, StringConstraints(max_length=100)]], Field(max_length=50)] = []


def read_client_principal(value: str) -> ClientPrincipal | None:
    """`x-ms-client-principal` (base64 JSON) through one strict model: None for anything it refuses, however
    well-formed its JSON."""
    return _read_client_principal(value) if len(value) <= 16_000 else None


# A signed-in user sends the same principal with every request, and decoding it costs a tenth of a small
# request's CPU; the few hundred last seen are kept, refused ones too, so garbage costs no more than that.
@lru_cache(maxsize=512)
def _read_client_principal(value: str) -> ClientPrincipal | None:
    try:
        return ClientPrincipal.model_validate_json(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):  # pydantic's ValidationError is a ValueError
        return None


def principal_from_swa_header(value: str) -> Principal:
    """The caller a Static Web Apps principal names: an unreadable one is an anonymous caller (401), never an
    error."""
    principal = read_client_principal(value)
    if principal is None:
        raise NotAuthenticated("The client principal header cannot be read.")
    name = principal.userDetails or principal.userId
    if name is None:
        raise NotAuthenticated("The client principal names no user.")
    roles = frozenset(principal.userRoles)
    permissions = frozenset().union(*(ROLE_PERMISSIONS.get(role, frozenset()) for role in roles))
    return Principal(name=name, kind="user", permissions=permissions, roles=roles)


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
