"""API keys: only their hashes, their scopes and who made and revoked them."""
from __future__ import annotations

from typing import Any

from domain.store.statements import Statements

_COLUMNS = "id, name, prefix, scopes, created_at, created_by, revoked_at, last_used_at"


class ApiKeyStore:
    def __init__(self, db: Statements):
        self.db = db

    async def add(self, name: str, prefix: str, key_hash: str, scopes: list[str], created_by: str) -> dict[str, Any]:
        added: dict[str, Any] = await self.db.one(
            f"INSERT INTO api_keys (name, prefix, key_hash, scopes, created_by) VALUES (%s, %s, %s, %s, %s)"
            f" RETURNING {_COLUMNS}",
            (name, prefix, key_hash, scopes, created_by), dicts=True,
        )
        return added

    async def all(self) -> list[dict[str, Any]]:
        return await self.db.all(
            f"SELECT {_COLUMNS} FROM api_keys ORDER BY id", dicts=True,
        )

    async def use(self, key_hash: str) -> dict[str, Any] | None:
        """The name and scopes of the active key with this hash, marked as used, in one statement: every request
        with a key asks, so it is one round trip in autocommit rather than a transaction of four. The mark is
        written at most once a minute per key, so a busy integrator does not turn every read into a write."""
        used: dict[str, Any] | None = await self.db.one(
            "WITH found AS (SELECT id, name, scopes, last_used_at FROM api_keys"
            " WHERE key_hash = %s AND revoked_at IS NULL),"
            " touched AS (UPDATE api_keys k SET last_used_at = now() FROM found WHERE k.id = found.id"
            " AND (found.last_used_at IS NULL OR found.last_used_at < now() - interval '1 minute'))"
            " SELECT name, scopes FROM found",
            (key_hash,), dicts=True,
        )
        return used

    async def revoke(self, key_id: int, revoked_by: str) -> dict[str, Any] | None:
        revoked: dict[str, Any] | None = await self.db.one(
            f"UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, %s)"
            f" WHERE id = %s RETURNING {_COLUMNS}",
            (revoked_by, key_id), dicts=True,
        )
        return revoked
