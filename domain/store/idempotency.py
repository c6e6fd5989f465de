"""Idempotency keys: the first request with a key claims it; a repeat gets the stored answer."""
from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from domain.store.statements import Statements


class IdempotencyStore:
    def __init__(self, db: Statements):
        self.db = db

    async def claim(self, principal: str, key: str, request_hash: str) -> tuple[str, int | None, Any] | None:
        """None when this transaction now holds the key; else the earlier (request_hash, status, response).

        A concurrent request with the same key waits here on the primary key until the first commits,
        then sees its row, so two racing retries never both create.
        """
        inserted = await self.db.one(
            "INSERT INTO idempotency_keys (principal, key, request_hash) VALUES (%s, %s, %s)"
            " ON CONFLICT DO NOTHING RETURNING 1",
            (principal, key, request_hash),
        )
        if inserted:
            return None
        earlier: tuple[str, int | None, Any] | None = await self.db.one(
            "SELECT request_hash, status, response FROM idempotency_keys WHERE principal = %s AND key = %s",
            (principal, key),
        )
        return earlier

    async def record(self, principal: str, key: str, status: int, response: Any) -> None:
        await self.db.run(
            "UPDATE idempotency_keys SET status = %s, response = %s WHERE principal = %s AND key = %s",
            (status, Jsonb(response), principal, key),
        )
