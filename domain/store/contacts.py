"""Contacts (callers), keyed by their phone number's matching key when they have one: the first spelling seen
stays the contact's phone, and another spelling of the same number (+52 1 and +52) finds the same contact."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.contacts import Contact, phone_key
from domain.search_terms import digits_query, phone_run, prefix_query
from domain.store.statements import Statements

_COLUMNS = "id, name, phone, email, language"


class ContactStore:
    def __init__(self, db: Statements):
        self.db = db

    async def find_or_add(self, contact: Contact) -> Contact:
        """The contact with this phone, created once. A known contact is returned as it is: what it says about
        someone changes only on purpose (rename), never as a side effect of a call or a ticket."""
        if contact.phone is None:
            row = await self.db.one(
                f"INSERT INTO contacts (name, email, language) VALUES (%s, %s, %s) RETURNING {_COLUMNS}",
                (contact.name, contact.email, contact.language or "es"), dicts=True,
            )
        else:
            row = await self.db.one(
                f"""
                INSERT INTO contacts (name, phone, email, language) VALUES (%s, %s, %s, %s)
                ON CONFLICT (phone_key) DO UPDATE SET name = contacts.name
                RETURNING {_COLUMNS}
                """,
                (contact.name, contact.phone, contact.email, contact.language or "es"), dicts=True,
            )
        return Contact(**row)

    async def get(self, contact_id: int) -> Contact | None:
        row = await self.db.one(
            f"SELECT {_COLUMNS} FROM contacts WHERE id = %s", (contact_id,), dicts=True,
        )
        return Contact(**row) if row else None

    async def find(self, phone: str | None = None, email: str | None = None, text: str | None = None,
                   limit: int = 50) -> list[Contact]:
        """Contacts with this phone (any spelling of it) and e-mail; with `text`, those whose name starts with its
        words, accents and case aside, or whose phone holds its digits ("0134", "555 0134"). Only the conditions
        asked are written, so that each is planned on its index."""
        clauses: list[str] = []
        params: list[Any] = []
        if phone is not None:
            clauses.append("phone_key = %s")
            params.append(phone_key(phone))
        if email is not None:
            clauses.append("lower(email) = lower(%s)")
            params.append(email)
        if text is not None:
            named = "to_tsvector('atiende_simple', coalesce(name, '')) @@ to_tsquery('atiende_simple', %s)"
            params.append(prefix_query(text))
            if (digits := phone_run(text)) is not None:
                named = f"({named} OR digit_suffixes(phone, 4) @@ to_tsquery('simple', %s))"
                params.append(digits_query(digits))
            clauses.append(named)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        rows = await self.db.all(f"SELECT {_COLUMNS} FROM contacts{where} ORDER BY id LIMIT %s", (*params, limit),
                                 dicts=True)
        return [Contact(**row) for row in rows]

    async def change(self, contact_id: int, values: dict[str, str | None], actor: str, at: datetime) -> Contact | None:
        """Set the contact's `values` (name, email, language) and audit each that changed, in one statement;
        None when there is no such contact or it was erased."""
        row = await self.db.one(
            """
            WITH before AS (SELECT id, name, email, language FROM contacts
                            WHERE id = %(id)s AND erased_at IS NULL FOR UPDATE),
            after AS (UPDATE contacts c SET
                          name = CASE WHEN %(set_name)s THEN %(name)s::text ELSE c.name END,
                          email = CASE WHEN %(set_email)s THEN %(email)s::text ELSE c.email END,
                          language = CASE WHEN %(set_language)s THEN %(language)s::text ELSE c.language END
                      FROM before WHERE c.id = before.id
                      RETURNING c.id, c.name, c.phone, c.email, c.language),
            audited AS (INSERT INTO contact_changes (contact_id, actor, field, old_value, new_value, created_at)
                        SELECT before.id, %(actor)s, f.field, f.old, f.new, %(at)s FROM before, after,
                        LATERAL (VALUES ('name', before.name, after.name), ('email', before.email, after.email),
                                        ('language', before.language, after.language)) AS f (field, old, new)
                        WHERE f.old IS DISTINCT FROM f.new)
            SELECT id, name, phone, email, language FROM after
            """,
            {"id": contact_id, "actor": actor, "at": at,
             **{f"set_{name}": name in values for name in ("name", "email", "language")},
             **{name: values.get(name) for name in ("name", "email", "language")}}, dicts=True,
        )
        return Contact(**row) if row else None

    async def record_change(self, contact_id: int, actor: str, field: str, old: str | None, new: str | None,
                            at: datetime) -> None:
        await self.db.run("INSERT INTO contact_changes (contact_id, actor, field, old_value, new_value, created_at)"
                          " VALUES (%s, %s, %s, %s, %s, %s)", (contact_id, actor, field, old, new, at))

    async def changes(self, contact_id: int, limit: int = 100) -> list[dict[str, Any]]:
        return await self.db.all(
            "SELECT field, old_value, new_value, actor, created_at FROM contact_changes WHERE contact_id = %s"
            " ORDER BY id DESC LIMIT %s", (contact_id, limit), dicts=True)
