"""The shapes of `/api/contacts`: the desk's callers, and erasing one."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from domain.schemas.common import Email, Phone
from domain.schemas.tickets import CallerOut


class ContactQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: Phone | None = None
    email: Email | None = None


class ErasedOut(BaseModel):
    contact_id: int
    calls: int = Field(description="Calls whose recordings and transcripts were removed")
    tickets: int = Field(description="Tickets kept, anonymized, each with a work note")
    recordings_deleted: int


class ContactList(BaseModel):
    items: list[CallerOut]
