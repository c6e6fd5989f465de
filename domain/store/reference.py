"""Reference data: assignment groups, categories with their subcategories, SLA targets."""
from __future__ import annotations

from typing import Any

from domain.errors import Conflict, FieldError
from domain.sla import SlaTarget
from domain.store.kept import KeptForSeconds
from domain.store.statements import Statements

SLA_TARGETS = KeptForSeconds(30)


def forget_sla_targets() -> None:
    """Drop this process's copy, after a change to them has committed."""
    SLA_TARGETS.forget()


class ReferenceStore:
    def __init__(self, db: Statements):
        self.db = db

    async def _rows(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        return await self.db.all(query, params, dicts=True)

    async def add_group(self, name: str) -> dict[str, Any]:
        rows = await self._rows(
            "INSERT INTO assignment_groups (name) VALUES (%s) ON CONFLICT (name) DO NOTHING RETURNING id, name", (name,)
        )
        if not rows:
            raise Conflict(f"A group named {name!r} exists.", [FieldError("taken", "/name", code="taken")])
        return rows[0]

    async def groups(self) -> list[dict[str, Any]]:
        return await self._rows("SELECT id, name FROM assignment_groups ORDER BY name")

    async def group_exists(self, name: str) -> bool:
        return bool(await self._rows("SELECT 1 FROM assignment_groups WHERE name = %s", (name,)))

    async def group_by_id(self, group_id: int) -> dict[str, Any] | None:
        rows = await self._rows("SELECT id, name FROM assignment_groups WHERE id = %s", (group_id,))
        return rows[0] if rows else None

    async def members(self, group_id: int) -> list[dict[str, Any]]:
        return await self._rows("SELECT user_name, display_name FROM group_members WHERE group_id = %s"
                                " ORDER BY lower(display_name), user_name", (group_id,))

    async def put_member(self, group_id: int, user_name: str, display_name: str) -> bool:
        """Add the agent to the group, or rename them there; True when they were not a member before."""
        row = await self.db.one(
            "WITH listed AS (INSERT INTO agents (user_name, display_name) VALUES (%(user)s, %(display)s)"
            " ON CONFLICT (user_name) DO UPDATE SET display_name = EXCLUDED.display_name)"
            " INSERT INTO group_members (group_id, user_name, display_name) VALUES (%(group)s, %(user)s, %(display)s)"
            " ON CONFLICT (group_id, user_name) DO UPDATE SET display_name = EXCLUDED.display_name"
            " RETURNING (xmax = 0)", {"group": group_id, "user": user_name, "display": display_name})
        return bool(row[0])

    async def saw_agent(self, user_name: str, display_name: str, email: str | None, at: Any) -> None:
        """An agent signed in: listed in the directory from their first request, as an admin may have listed
        them before (their display name, which an admin chose, is kept)."""
        await self.db.run(
            "INSERT INTO agents (user_name, display_name, email, first_seen_at) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (user_name) DO UPDATE SET first_seen_at = coalesce(agents.first_seen_at, EXCLUDED.first_seen_at),"
            " email = coalesce(agents.email, EXCLUDED.email)", (user_name, display_name, email, at))

    async def agents(self, words: str | None, group: str | None, limit: int) -> list[dict[str, Any]]:
        """Agents whose name, sign-in name or e-mail has a word starting with each of `words` (a tsquery of
        prefixes), in the group when one is named."""
        return await self._rows(
            "SELECT a.user_name, a.display_name, a.email, a.first_seen_at IS NOT NULL AS signed_in FROM agents a"
            " WHERE (%(group)s::text IS NULL OR EXISTS (SELECT 1 FROM group_members m JOIN assignment_groups g"
            "   ON g.id = m.group_id WHERE g.name = %(group)s AND m.user_name = a.user_name))"
            " AND (%(words)s::text IS NULL OR to_tsvector('atiende_simple', a.display_name || ' ' || a.user_name"
            " || ' ' || coalesce(a.email, '')) @@ to_tsquery('atiende_simple', %(words)s))"
            " ORDER BY lower(a.display_name), a.user_name LIMIT %(limit)s",
            {"group": group, "words": words, "limit": limit})

    async def may_be_assigned(self, user_name: str, group: str | None) -> bool:
        """Whether a ticket in `group` (None: in no group) may be assigned to `user_name`: one of the group's
        agents, or for a ticket in no group anyone in the directory."""
        if group is None:
            return bool(await self._rows("SELECT 1 FROM agents WHERE user_name = %s", (user_name,)))
        return bool(await self._rows(
            "SELECT 1 FROM group_members m JOIN assignment_groups g ON g.id = m.group_id"
            " WHERE g.name = %s AND m.user_name = %s", (group, user_name)))

    async def remove_member(self, group_id: int, user_name: str) -> dict[str, Any] | None:
        rows = await self._rows("DELETE FROM group_members WHERE group_id = %s AND user_name = %s"
                                " RETURNING user_name, display_name", (group_id, user_name))
        return rows[0] if rows else None

    async def set_subcategories(self, category_id: int, subcategories: list[str]) -> dict[str, Any] | None:
        rows = await self._rows("UPDATE categories SET subcategories = %s WHERE id = %s RETURNING id, name, subcategories",
                                (subcategories, category_id))
        return rows[0] if rows else None

    async def add_category(self, name: str, subcategories: list[str]) -> dict[str, Any]:
        rows = await self._rows(
            "INSERT INTO categories (name, subcategories) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING"
            " RETURNING id, name, subcategories",
            (name, subcategories),
        )
        if not rows:
            raise Conflict(f"A category named {name!r} exists.", [FieldError("taken", "/name", code="taken")])
        return rows[0]

    async def categories(self) -> list[dict[str, Any]]:
        return await self._rows("SELECT id, name, subcategories FROM categories ORDER BY name")

    async def subcategories_of(self, category: str) -> list[str] | None:
        rows = await self._rows("SELECT subcategories FROM categories WHERE name = %s", (category,))
        return rows[0]["subcategories"] if rows else None

    async def sla_targets(self, fresh: bool = False) -> dict[int, SlaTarget]:
        """The SLA targets by priority. Every ticket answer needs them and they change a few times a year, so each
        process keeps them for SLA_TARGETS.seconds; another process sees an admin's change that much later.
        `fresh` reads the table (the admin page does)."""
        kept: dict[int, SlaTarget] | None = None if fresh else SLA_TARGETS.get(self.db, "targets")
        if kept is not None:
            return kept
        targets = {
            row["priority"]: SlaTarget(**row)
            for row in await self._rows("SELECT priority, response_minutes, resolution_minutes FROM sla_targets")
        }
        SLA_TARGETS.keep(self.db, "targets", targets)
        return targets

    async def set_sla_target(self, target: SlaTarget) -> None:
        await self.db.run(
            """
            INSERT INTO sla_targets (priority, response_minutes, resolution_minutes) VALUES (%s, %s, %s)
            ON CONFLICT (priority) DO UPDATE SET
                response_minutes = EXCLUDED.response_minutes, resolution_minutes = EXCLUDED.resolution_minutes
            """,
            (target.priority, target.response_minutes, target.resolution_minutes),
        )
