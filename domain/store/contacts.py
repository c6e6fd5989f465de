"""Contacts (callers), keyed by their phone number's matching key when they have one: the first spelling seen
stays the contact's phone, and another spelling of the same number (+52 1 and +52) finds the same contact."""
from __future__ import annotations

from typing import Any

from domain.contacts import Contact, phone_key
from domain.search_terms import digits_query, phone_run, prefix_query
from domain.store.statements import Statements

_COLUMNS = "id, name, phone, email, language"


class ContactStore:
    def __init__(self, db: Statements):
        self.db = db

    async def find_or_add(self, contact: Contact) -> Contact:
        """The contact with this phone, created once; a known contact keeps its details and gains missing ones."""
        if contact.phone is None:
            row = await self.db.one(
                f"INSERT INTO contacts (name, email, language) VALUES (%s, %s, %s) RETURNING {_COLUMNS}",
                (contact.name, contact.email, contact.language or "es"), dicts=True,
            )
        else:
            row = await self.db.one(
                f"""
                INSERT INTO contacts (name, phone, email, language) VALUES (%s, %s, %s, %s)
                ON CONFLICT (phone_key) DO UPDATE SET
                    name = coalesce(contacts.name, EXCLUDED.name),
                    email = coalesce(contacts.email, EXCLUDED.email)
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
