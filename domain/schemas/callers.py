"""The shapes of `/api/contacts`: the desk's callers, and erasing one."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.schemas.common import Email, Input, Language, Person, Phone, SearchText
from domain.schemas.tickets import CallerOut


class ContactQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: Phone | None = Field(default=None, description="The whole number, in any spelling of it")
    email: Email | None = None
    q: SearchText | None = Field(default=None, description=(
        "The beginning of the caller's name, accents and case aside (\"gonzalez\" finds \"González\"), or a run of "
        "at least four digits of their phone, written with or without separators (\"555 0134\")"))


class ErasedOut(BaseModel):
    contact_id: int
    calls: int = Field(description="Calls whose recordings and transcripts were removed")
    tickets: int = Field(description="Tickets kept, anonymized, each with a work note")
    recordings_deleted: int


class ContactList(BaseModel):
    items: list[CallerOut]


class ContactChange(Input):
    """A change an agent makes to a contact on purpose: it shows on every ticket of theirs and in the phone
    greeting, and is audited."""
    name: Person | None = None
    email: Email | None = None
    language: Language | None = None


class ContactChangeOut(BaseModel):
    field: str
    old_value: str | None
    new_value: str | None
    actor: str
    created_at: datetime


class ContactChangeList(BaseModel):
    items: list[ContactChangeOut]
