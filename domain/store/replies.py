"""Canned replies in PostgreSQL; a group's name becomes its id here."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import StaleVersion
from domain.store.statements import Statements

_COLUMNS = ("r.id, r.title, r.body, r.language, g.name AS assignment_group, r.version, r.created_at, r.created_by,"
            " r.updated_at, r.updated_by")
_FROM = " FROM canned_replies r LEFT JOIN assignment_groups g ON g.id = r.assignment_group_id"
_GROUP_ID = "(SELECT id FROM assignment_groups WHERE name = %(assignment_group)s)"


class CannedReplyStore:
    def __init__(self, db: Statements):
        self.db = db

    async def add(self, fields: dict[str, Any], actor: str, at: datetime) -> dict[str, Any]:
        row = await self.db.one(
            "INSERT INTO canned_replies (title, body, language, assignment_group_id, created_at, created_by)"
            f" VALUES (%(title)s, %(body)s, %(language)s, {_GROUP_ID}, %(at)s, %(actor)s) RETURNING id",
            {**fields, "at": at, "actor": actor})
        found = await self.get(int(row[0]))
        assert found is not None
        return found

    async def get(self, reply_id: int, *, for_update: bool = False) -> dict[str, Any] | None:
        found: dict[str, Any] | None = await self.db.one(
            f"SELECT {_COLUMNS}{_FROM} WHERE r.id = %s" + (" FOR UPDATE OF r" if for_update else ""), (reply_id,),
            dicts=True)
        return found

    async def update(self, reply_id: int, version: int, fields: dict[str, Any], actor: str,
                     at: datetime) -> dict[str, Any]:
        """Write the reply whole (its current fields with the changes), if it is still at `version`."""
        touched = await self.db.run(
            "UPDATE canned_replies SET title = %(title)s, body = %(body)s, language = %(language)s,"
            f" assignment_group_id = {_GROUP_ID}, version = version + 1, updated_at = %(at)s, updated_by = %(actor)s"
            " WHERE id = %(id)s AND version = %(version)s",
            {**fields, "at": at, "actor": actor, "id": reply_id, "version": version})
        if not touched:
            raise StaleVersion(f"Canned reply {reply_id} changed while this update ran.")
        found = await self.get(reply_id)
        assert found is not None
        return found

    async def delete(self, reply_id: int) -> bool:
        return await self.db.run("DELETE FROM canned_replies WHERE id = %s", (reply_id,)) > 0

    async def find(self, user: str | None, language: str | None, group: str | None) -> list[dict[str, Any]]:
        """Replies in `language` (any: None), the whole desk's and, with `group`, that group's; for `user`, only
        the whole desk's and those of groups they are a member of (None: every group's). By title."""
        return await self.db.all(
            f"SELECT {_COLUMNS}{_FROM}"
            " WHERE (%(language)s::text IS NULL OR r.language = %(language)s)"
            " AND (r.assignment_group_id IS NULL OR ("
            "  (%(group)s::text IS NULL OR g.name = %(group)s)"
            "  AND (%(user)s::text IS NULL OR EXISTS (SELECT 1 FROM group_members m"
            "       WHERE m.group_id = r.assignment_group_id AND m.user_name = %(user)s))))"
            " ORDER BY lower(r.title), r.id",
            {"language": language, "group": group, "user": user}, dicts=True)

    async def visible(self, reply_id: int, user: str | None) -> dict[str, Any] | None:
        """The reply, if `user` may use it (the whole desk's, or one of their groups'; None: any)."""
        found: dict[str, Any] | None = await self.db.one(
            f"SELECT {_COLUMNS}{_FROM} WHERE r.id = %(id)s AND (r.assignment_group_id IS NULL"
            " OR %(user)s::text IS NULL OR EXISTS (SELECT 1 FROM group_members m"
            " WHERE m.group_id = r.assignment_group_id AND m.user_name = %(user)s))",
            {"id": reply_id, "user": user}, dicts=True)
        return found

    async def display_name(self, user: str) -> str | None:
        """The agent's name in the directory, as the activity shows it."""
        row = await self.db.one("SELECT display_name FROM group_members WHERE user_name = %s ORDER BY added_at"
                                " LIMIT 1", (user,))
        return row[0] if row else None
