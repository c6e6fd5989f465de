"""Knowledge-base articles in PostgreSQL."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import sql

from domain.errors import StaleVersion
from domain.search_terms import joined_compounds
from domain.store.statements import Statements

_COLUMNS = ("id, title, body, language, category, state, source_ticket, version, created_at, created_by,"
            " updated_at, updated_by")
_EDITABLE = ("title", "body", "language", "category", "state")


class ArticleStore:
    def __init__(self, db: Statements):
        self.db = db

    async def add(self, fields: dict[str, Any], actor: str, at: datetime) -> dict[str, Any]:
        row: dict[str, Any] = await self.db.one(
            f"INSERT INTO articles (title, body, language, category, state, source_ticket, created_at, created_by)"
            f" VALUES (%(title)s, %(body)s, %(language)s, %(category)s, %(state)s, %(source_ticket)s, %(at)s, %(actor)s)"
            f" RETURNING {_COLUMNS}",
            {"category": None, "state": "draft", "source_ticket": None, **fields, "at": at, "actor": actor}, dicts=True,
        )
        await self._enqueue(row["id"])
        return row

    async def get(self, article_id: int, *, for_update: bool = False) -> dict[str, Any] | None:
        row: dict[str, Any] | None = await self.db.one(
            f"SELECT {_COLUMNS} FROM articles WHERE id = %s" + (" FOR UPDATE" if for_update else ""), (article_id,), dicts=True,
        )
        return row

    async def update(self, article_id: int, version: int, changes: dict[str, Any], actor: str,
                     at: datetime) -> dict[str, Any]:
        sets = [sql.SQL("{} = {}").format(sql.Identifier(k), sql.Placeholder(k)) for k in changes if k in _EDITABLE]
        row: dict[str, Any] | None = await self.db.one(
            sql.SQL("UPDATE articles SET {}, version = version + 1, updated_at = %(at)s, updated_by = %(actor)s"
                    " WHERE id = %(id)s AND version = %(version)s RETURNING " + _COLUMNS).format(sql.SQL(", ").join(sets)),
            {**changes, "at": at, "actor": actor, "id": article_id, "version": version}, dicts=True,
        )
        if row is None:
            raise StaleVersion(f"Article {article_id} changed while this update ran.")
        await self._enqueue(article_id)
        return row

    async def find(self, text: str | None, state: str | None, limit: int) -> list[dict[str, Any]]:
        """Newest first; with `text`, best match first: its words in either language, accents aside, and its
        compounds joined or not, as the search column holds them (migration 013)."""
        return await self.db.all(
            f"""
            WITH asked AS (SELECT websearch_to_tsquery('atiende_english', coalesce(%(q)s, ''))
                                  || websearch_to_tsquery('spanish', coalesce(%(q)s, ''))
                                  || websearch_to_tsquery('atiende_spanish', coalesce(%(q)s, '')) AS q)
            SELECT {_COLUMNS} FROM articles, asked
            WHERE (%(q)s::text IS NULL OR search @@ asked.q) AND (%(state)s::text IS NULL OR state = %(state)s)
            ORDER BY CASE WHEN %(q)s::text IS NULL THEN 0 ELSE ts_rank_cd(search, asked.q) END DESC, id DESC
            LIMIT %(limit)s
            """,
            {"q": None if text is None else joined_compounds(text), "state": state, "limit": limit}, dicts=True,
        )

    async def by_ids(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        rows = await self.db.all(
            f"SELECT {_COLUMNS} FROM articles WHERE id = ANY(%s)", (ids,), dicts=True)
        return {row["id"]: row for row in rows}

    async def waiting_for_index(self, limit: int) -> list[tuple[int, Any]]:
        return await self.db.all(
            "SELECT article_id, enqueued_at FROM article_index_outbox ORDER BY enqueued_at LIMIT %s"
            " FOR UPDATE SKIP LOCKED", (limit,))

    async def indexed(self, done: list[tuple[int, Any]]) -> None:
        await self.db.run_many(
            "DELETE FROM article_index_outbox WHERE article_id = %s AND enqueued_at = %s", done)

    async def queue_all_for_index(self) -> int:
        """Queue every article for the vector index (it was found empty); returns how many were not queued yet."""
        return await self.db.run("INSERT INTO article_index_outbox (article_id) SELECT id FROM articles"
                                 " ON CONFLICT (article_id) DO NOTHING")

    async def ids_after(self, after_id: int, limit: int) -> list[int]:
        return [r[0] for r in await self.db.all(
            "SELECT id FROM articles WHERE id > %s ORDER BY id LIMIT %s", (after_id, limit))]

    async def _enqueue(self, article_id: int) -> None:
        await self.db.run(
            "INSERT INTO article_index_outbox (article_id) VALUES (%s)"
            " ON CONFLICT (article_id) DO UPDATE SET enqueued_at = clock_timestamp()", (article_id,))
