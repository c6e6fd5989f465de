"""The shapes of `/api/contacts`: the desk's callers, and erasing one."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from domain.schemas.common import Email, Phone, SearchText
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
