"""API keys: only their hashes, their scopes and who made and revoked them."""
from __future__ import annotations

from typing import Any

from domain.store.statements import AsyncStatements, Statements

_COLUMNS = "id, name, prefix, scopes, created_at, created_by, revoked_at, last_used_at"


class ApiKeyStore:
    def __init__(self, db: Statements | AsyncStatements):
        self.db = db

    async def add(self, name: str, prefix: str, key_hash: str, scopes: list[str], created_by: str) -> dict[str, Any]:
        return await self.db.one(
            f"INSERT INTO api_keys (name, prefix, key_hash, scopes, created_by) VALUES (%s, %s, %s, %s, %s)"
            f" RETURNING {_COLUMNS}",
            (name, prefix, key_hash, scopes, created_by), dicts=True,
        )

    async def all(self) -> list[dict[str, Any]]:
        return await self.db.all(
            f"SELECT {_COLUMNS} FROM api_keys ORDER BY id", dicts=True,
        )

    async def active_by_hash(self, key_hash: str) -> dict[str, Any] | None:
        return await self.db.one(
            f"SELECT {_COLUMNS} FROM api_keys WHERE key_hash = %s AND revoked_at IS NULL", (key_hash,), dicts=True,
        )

    async def touch(self, key_id: int) -> None:
        # At most one write a minute per key, so a busy integrator does not turn every read into a write.
        await self.db.run(
            "UPDATE api_keys SET last_used_at = now() WHERE id = %s"
            " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
            (key_id,),
        )

    async def revoke(self, key_id: int, revoked_by: str) -> dict[str, Any] | None:
        return await self.db.one(
            f"UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, %s)"
            f" WHERE id = %s RETURNING {_COLUMNS}",
            (revoked_by, key_id), dicts=True,
        )
