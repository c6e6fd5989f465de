"""API keys: admins create them (the secret is shown once), list and revoke them."""
from __future__ import annotations

from domain.auth import Principal, new_api_key
from domain.errors import NotFound
from domain.schemas.access import ApiKeyCreated, ApiKeyIn, ApiKeyOut
from domain.store.uow import UnitOfWork


async def create_api_key(data: ApiKeyIn, who: Principal, uow: UnitOfWork) -> ApiKeyCreated:
    key, prefix, key_hash = new_api_key()
    async with uow:
        row = await uow.api_keys.add(data.name.strip(), prefix, key_hash, sorted(set(data.scopes)), who.name)
        await uow.commit()
    return ApiKeyCreated(**row, key=key)


async def list_api_keys(uow: UnitOfWork) -> list[ApiKeyOut]:
    async with uow:
        return [ApiKeyOut(**row) for row in await uow.api_keys.all()]


async def revoke_api_key(key_id: int, who: Principal, uow: UnitOfWork) -> ApiKeyOut:
    """Revoke a key; revoking a revoked key changes nothing and answers the same."""
    async with uow:
        row = await uow.api_keys.revoke(key_id, who.name)
        if row is None:
            raise NotFound(f"There is no API key {key_id}.")
        await uow.commit()
    return ApiKeyOut(**row)
