"""Agents' uploads in PostgreSQL: each link handed out, and the attachment it became."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.store.statements import Statements

_COLUMNS = ("u.id::text AS id, u.ticket_id, u.requested_by, u.filename, u.content_type, u.declared_size, u.blob_name,"
            " u.created_at, u.expires_at, u.settled_at, u.outcome, u.refusal, a.id AS attachment_id")


class UploadStore:
    def __init__(self, db: Statements):
        self.db = db

    async def add(self, ticket_id: int, requested_by: str, filename: str, content_type: str, size: int,
                  blob_name: str, at: datetime, expires_at: datetime) -> str:
        row = await self.db.one(
            "INSERT INTO uploads (ticket_id, requested_by, filename, content_type, declared_size, blob_name,"
            " created_at, expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id::text",
            (ticket_id, requested_by, filename, content_type, size, blob_name, at, expires_at))
        return str(row[0])

    async def get(self, upload_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        found: dict[str, Any] | None = await self.db.one(
            f"SELECT {_COLUMNS} FROM uploads u LEFT JOIN attachments a ON a.upload_id = u.id WHERE u.id = %s::uuid"
            + (" FOR UPDATE OF u" if for_update else ""), (upload_id,), dicts=True)
        return found

    async def keep(self, upload: dict[str, Any], size: int, activity_id: int | None, at: datetime) -> int:
        """The upload as an attachment of its ticket; the attachment's id."""
        row = await self.db.one(
            "WITH kept AS (INSERT INTO attachments (ticket_id, filename, content_type, size_bytes, blob_name,"
            " created_at, uploaded_by, activity_id, upload_id) VALUES (%(ticket)s, %(filename)s, %(type)s, %(size)s,"
            " %(blob)s, %(at)s, %(by)s, %(activity)s, %(upload)s::uuid) RETURNING id),"
            " settled AS (UPDATE uploads SET settled_at = %(at)s, outcome = 'kept' WHERE id = %(upload)s::uuid)"
            " SELECT id FROM kept",
            {"ticket": upload["ticket_id"], "filename": upload["filename"], "type": upload["content_type"],
             "size": size, "blob": upload["blob_name"], "at": at, "by": upload["requested_by"],
             "activity": activity_id, "upload": upload["id"]})
        return int(row[0])

    async def settle(self, upload_id: str, outcome: str, refusal: str | None, at: datetime) -> None:
        await self.db.run("UPDATE uploads SET settled_at = %s, outcome = %s, refusal = %s"
                          " WHERE id = %s::uuid AND settled_at IS NULL", (at, outcome, refusal, upload_id))

    async def unsettled_before(self, cutoff: datetime, limit: int) -> list[dict[str, Any]]:
        """Links that ran out before `cutoff` unused, locked (another sweep skips them)."""
        return await self.db.all(
            "SELECT id::text AS id, blob_name FROM uploads WHERE settled_at IS NULL AND expires_at < %s"
            " ORDER BY expires_at LIMIT %s FOR UPDATE SKIP LOCKED", (cutoff, limit), dicts=True)

    async def attachment(self, ticket_id: int, attachment_id: int) -> dict[str, Any] | None:
        found: dict[str, Any] | None = await self.db.one(
            "SELECT id, filename, content_type, size_bytes, blob_name, created_at, uploaded_by, activity_id"
            " FROM attachments WHERE id = %s AND ticket_id = %s", (attachment_id, ticket_id), dicts=True)
        return found
