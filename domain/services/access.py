"""Authenticate a request from its API key or its Static Web Apps principal."""
from __future__ import annotations

from datetime import UTC, datetime

from domain.auth import KEY_PREFIX, Principal, hash_key, principal_for_key, principal_from_swa_header
from domain.errors import NotAuthenticated
from domain.store.kept import KeptForSeconds
from domain.store.uow import UnitOfWork

# Agents this process listed in the directory lately, by database name: a sign-in is written once an hour, not
# on every request, and remembering it costs no connection.
LISTED = KeptForSeconds(3600, most=10_000)


async def authenticate(
    client_principal: str | None, authorization: str | None, api_key: str | None, uow: UnitOfWork
) -> Principal:
    """The caller, from `X-Api-Key`, an `Authorization: Bearer atk_...` key, or the Static Web Apps principal.

    Static Web Apps replaces the Authorization header with its own token when it proxies to a linked
    backend (https://github.com/Azure/static-web-apps/issues/34), so keys travel in X-Api-Key; a bearer
    token that is not one of our keys is the platform's, and says nothing about the caller.
    """
    key = api_key
    if key is None and authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip().startswith(KEY_PREFIX):
            key = token
    if key is not None:
        return await _key_holder(key.strip(), uow)
    if client_principal:
        who = principal_from_swa_header(client_principal)
        if who.roles & {"agent", "admin"}:
            await _list_agent(who, uow)
        return who
    raise NotAuthenticated("Sign in, or send an API key in the X-Api-Key header.")


async def _key_holder(key: str, uow: UnitOfWork) -> Principal:
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        raise NotAuthenticated("That API key is unknown or revoked.")
    async with uow.saving_alone():
        row = await uow.api_keys.use(hash_key(key))
    if row is None:
        raise NotAuthenticated("That API key is unknown or revoked.")
    return principal_for_key(row["name"], row["scopes"])


async def _list_agent(who: Principal, uow: UnitOfWork) -> None:
    """An agent appears in the directory on their first request, so that tickets can be assigned to them."""
    if LISTED.get(uow.database or "", who.name):
        return
    async with uow.saving_alone():
        await uow.reference.saw_agent(who.name, who.name, who.name if "@" in who.name else None, datetime.now(UTC))
    LISTED.keep(uow.database or "", who.name, True)
