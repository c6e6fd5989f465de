"""The shapes of canned replies (`/api/canned-replies`) and of one filled in for a ticket."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.schemas.common import Body, Input, Language, Name, ShortDescription, no_defaults

_BODY = ("Plain text. Placeholders in double braces, as {{caller.name}}: caller.name, caller.email, caller.phone, "
         "ticket.number, ticket.short_description, ticket.state, ticket.priority, ticket.assignment_group, "
         "agent.name. Any other is refused (422).")


class CannedReplyIn(Input):
    title: ShortDescription
    body: Body = Field(description=_BODY)
    language: Language
    assignment_group: Name | None = Field(default=None, description="Only this group's agents see it; none: "
                                                                     "the whole desk")


class CannedReplyPatch(Input):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=no_defaults)

    # As in TicketPatch: None only marks a field left out, which a client may not send as null.
    title: ShortDescription = None  # type: ignore[assignment]
    body: Body = Field(default=None, description=_BODY)  # type: ignore[assignment]
    language: Language = None  # type: ignore[assignment]
    assignment_group: Name | None = Field(default=None, description="null: the whole desk")


class CannedReplyOut(BaseModel):
    id: int
    title: str
    body: str
    language: Language
    assignment_group: str | None
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime | None
    updated_by: str | None


class CannedReplyList(BaseModel):
    items: list[CannedReplyOut]


class CannedReplyQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Language | None = None
    assignment_group: Name | None = Field(default=None, description="The whole desk's replies and this group's")


class RenderedReplyOut(BaseModel):
    id: int
    title: str
    language: Language
    body: str = Field(description="Plain text, placeholders filled for the ticket and the signed-in agent")
    missing: list[str] = Field(description="Placeholders the ticket had no value for: a fallback word (\"cliente\","
                                           " \"customer\") or nothing stands in")
