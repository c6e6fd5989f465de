"""Reference data: assignment groups, categories with their subcategories, SLA targets."""
from __future__ import annotations

from typing import Any

from psycopg.rows import dict_row

from domain.errors import Conflict, FieldError
from domain.sla import SlaTarget


class ReferenceStore:
    def __init__(self, conn: Any):
        self.conn = conn

    def _rows(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        return self.conn.cursor(row_factory=dict_row).execute(query, params).fetchall()

    def add_group(self, name: str) -> dict[str, Any]:
        rows = self._rows(
            "INSERT INTO assignment_groups (name) VALUES (%s) ON CONFLICT (name) DO NOTHING RETURNING id, name", (name,)
        )
        if not rows:
            raise Conflict(f"A group named {name!r} exists.", [FieldError("taken", "/name")])
        return rows[0]

    def groups(self) -> list[dict[str, Any]]:
        return self._rows("SELECT id, name FROM assignment_groups ORDER BY name")

    def group_exists(self, name: str) -> bool:
        return bool(self._rows("SELECT 1 FROM assignment_groups WHERE name = %s", (name,)))

    def add_category(self, name: str, subcategories: list[str]) -> dict[str, Any]:
        rows = self._rows(
            "INSERT INTO categories (name, subcategories) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING"
            " RETURNING id, name, subcategories",
            (name, subcategories),
        )
        if not rows:
            raise Conflict(f"A category named {name!r} exists.", [FieldError("taken", "/name")])
        return rows[0]

    def categories(self) -> list[dict[str, Any]]:
        return self._rows("SELECT id, name, subcategories FROM categories ORDER BY name")

    def subcategories_of(self, category: str) -> list[str] | None:
        rows = self._rows("SELECT subcategories FROM categories WHERE name = %s", (category,))
        return rows[0]["subcategories"] if rows else None

    def sla_targets(self) -> dict[int, SlaTarget]:
        return {
            row["priority"]: SlaTarget(**row)
            for row in self._rows("SELECT priority, response_minutes, resolution_minutes FROM sla_targets")
        }

    def set_sla_target(self, target: SlaTarget) -> None:
        self.conn.execute(
            """
            INSERT INTO sla_targets (priority, response_minutes, resolution_minutes) VALUES (%s, %s, %s)
            ON CONFLICT (priority) DO UPDATE SET
                response_minutes = EXCLUDED.response_minutes, resolution_minutes = EXCLUDED.resolution_minutes
            """,
            (target.priority, target.response_minutes, target.resolution_minutes),
        )
