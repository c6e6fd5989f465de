"""Authenticate a request from its principal header or its API key."""
from __future__ import annotations

from domain.auth import Principal, hash_key, principal_for_key, principal_from_swa_header
from domain.errors import NotAuthenticated
from domain.store.uow import UnitOfWork


def authenticate(client_principal: str | None, authorization: str | None, uow: UnitOfWork) -> Principal:
    """The caller, from `Authorization: Bearer <key>` or the Static Web Apps principal; NotAuthenticated if neither."""
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("Send an API key as `Authorization: Bearer <key>`.")
        with uow:
            row = uow.api_keys.active_by_hash(hash_key(token.strip()))
            if row is None:
                raise NotAuthenticated("That API key is unknown or revoked.")
            uow.api_keys.touch(row["id"])
            uow.commit()
        return principal_for_key(row["name"], row["scopes"])
    if client_principal:
        return principal_from_swa_header(client_principal)
    raise NotAuthenticated("Sign in, or send an API key as `Authorization: Bearer <key>`.")
