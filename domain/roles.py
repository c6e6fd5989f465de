"""App roles for Static Web Apps: which of the signed-in user's Entra ID role claims Atiende honours."""
from __future__ import annotations

from collections.abc import Iterable

APP_ROLES = ("agent", "admin")
# Entra ID puts app roles in a `roles` claim; some token versions use the long WS-Federation name.
ROLE_CLAIM_TYPES = frozenset({"roles", "role", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"})


def roles_from_claims(claims: Iterable[tuple[str, str]]) -> list[str]:
    granted = {value for kind, value in claims if kind in ROLE_CLAIM_TYPES and value in APP_ROLES}
    return [role for role in APP_ROLES if role in granted]
