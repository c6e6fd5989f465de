"""Contacts (callers), keyed by their phone number's matching key when they have one: the first spelling seen
stays the contact's phone, and another spelling of the same number (+52 1 and +52) finds the same contact."""
from __future__ import annotations

from domain.contacts import Contact, phone_key
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

    async def find(self, phone: str | None = None, email: str | None = None, limit: int = 50) -> list[Contact]:
        rows = await self.db.all(
            f"""
            SELECT {_COLUMNS} FROM contacts
            WHERE (%(phone)s::text IS NULL OR phone_key = %(phone)s)
              AND (%(email)s::text IS NULL OR lower(email) = lower(%(email)s))
            ORDER BY id LIMIT %(limit)s
            """,
            {"phone": None if phone is None else phone_key(phone), "email": email, "limit": limit}, dicts=True,
        )
        return [Contact(**row) for row in rows]
