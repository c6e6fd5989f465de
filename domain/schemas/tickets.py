"""The shapes of `/api/tickets`: creating, changing, reading and listing tickets, their comments and activity."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.schemas.common import (
    WORDS_MATCH,
    Body,
    Email,
    Input,
    Language,
    Level,
    LongText,
    Name,
    Person,
    Phone,
    SearchText,
    ShortDescription,
    StateName,
    TicketNumber,
    no_defaults,
)
from domain.schemas.similar import SimilarItem
from domain.tickets import Channel, CloseCode, OnHoldReason


class CallerIn(Input):
    """Who called. A phone the desk knows finds its contact, which this never changes: a different name is kept
    on this ticket as the name its caller gave, and the contact is renamed only by PATCH /contacts/{id}."""

    name: Person | None = None
    phone: Phone | None = Field(default=None, description="Any format libphonenumber reads; stored as E.164")
    email: Email | None = None
    language: Language | None = None


class TicketCreate(Input):
    short_description: ShortDescription
    description: LongText = ""
    caller: CallerIn | None = None
    category: Name | None = None
    subcategory: Name | None = None
    impact: Level = 3
    urgency: Level = 3
    assignment_group: Name | None = None
    assigned_to: Person | None = None
    channel: Channel | None = Field(default=None, description="Defaults to web for agents and api for API keys")
    parent: TicketNumber | None = None


class TicketPatch(Input):
    """Only the fields sent change; null clears a field that may be empty."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=no_defaults)

    # None only marks a field left out: where the type has no None, a client may not send null, so the default
    # lies outside the type (the ignores below).
    short_description: ShortDescription = None  # type: ignore[assignment]
    description: LongText = None  # type: ignore[assignment]
    category: Name | None = None
    subcategory: Name | None = None
    impact: Level = None  # type: ignore[assignment]
    urgency: Level = None  # type: ignore[assignment]
    assignment_group: Name | None = None
    assigned_to: Person | None = None
    parent: TicketNumber | None = None
    state: StateName = None  # type: ignore[assignment]
    on_hold_reason: OnHoldReason = None  # type: ignore[assignment]
    close_code: CloseCode = None  # type: ignore[assignment]
    close_notes: Body = None  # type: ignore[assignment]


class CallerOut(BaseModel):
    id: int
    name: str | None = Field(description="The name this ticket's caller gave: the contact's, unless someone else "
                                         "called from its phone")
    phone: str | None
    email: str | None
    language: str
    contact_name: str | None = Field(default=None, description="The contact's own name, which only a rename "
                                                                "(PATCH /contacts/{id}) changes")


class SlaClockOut(BaseModel):
    target_minutes: int
    stage: Literal["in_progress", "paused", "completed", "canceled"]
    elapsed_seconds: float
    elapsed_percentage: float
    breach_at: datetime
    breached: bool


class SlaOut(BaseModel):
    response: SlaClockOut
    resolution: SlaClockOut


class TicketOut(BaseModel):
    number: str
    state: StateName
    on_hold_reason: OnHoldReason | None
    impact: int
    urgency: int
    priority: int = Field(description="From impact x urgency: 1 critical, 2 high, 3 moderate, 4 low, 5 planning")
    short_description: str
    description: str
    caller: CallerOut | None
    category: str | None
    subcategory: str | None
    channel: Channel
    assignment_group: str | None
    assigned_to: str | None
    parent: str | None
    close_code: CloseCode | None
    close_notes: str | None
    version: int
    opened_at: datetime
    opened_by: str
    updated_at: datetime | None
    updated_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    affected_callers: int = Field(description="Distinct callers who reported this problem, its own caller first")
    time_worked_minutes: int = Field(default=0, description="The time worked its comments and work notes add up to")
    sla: SlaOut


class TicketPage(BaseModel):
    items: list[TicketOut]
    next_cursor: str | None
    total: int = Field(description="How many tickets the view and filters keep, on every page")
    total_is_estimate: bool = Field(default=False, description="True past 10,000, where total is PostgreSQL's "
                                                               "estimate rather than a count")


SortKey = Literal[
    "number", "opened_at", "updated_at", "priority", "state", "impact", "urgency",
    "short_description", "category", "assignment_group", "assigned_to", "caller",
]


class TicketFilters(BaseModel):
    """A list view's filters and sort, as the list and its CSV export take them."""

    model_config = ConfigDict(extra="forbid")

    view: Literal["mine", "my_groups", "unassigned", "untriaged", "open", "resolved", "all"] = Field(
        default="all", description="mine: open and assigned to you; my_groups: open in the groups you belong to")
    channel: Literal["phone", "web", "api", "email", "sms"] | None = None
    state: StateName | None = None
    priority: Annotated[int, Field(ge=1, le=5)] | None = None
    assignment_group: Name | None = None
    assigned_to: Person | None = None
    caller_phone: Phone | None = None
    category: Name | None = None
    parent: TicketNumber | None = Field(default=None, description="Only this ticket's children")
    q: SearchText | None = Field(default=None, description=(
        WORDS_MATCH + ", and the beginnings of words being typed; a caller by the beginning of their name or a run "
        "of at least four digits of their phone (\"0134\" for +14155550134); a ticket by its number with or "
        "without INC and zeros, which comes first on the first page, and any number holding a run of at least two "
        "digits typed (\"0019\" and \"19\" find INC0010019)."))
    sort: Annotated[str, StringConstraints(pattern=r"^-?[a-z_]+$", max_length=40)] = "-number"


class ExportQuery(TicketFilters):
    """The list's filters and sort, for every matching row (up to EXPORT_MAX_ROWS) rather than a page."""


class TicketQuery(TicketFilters):
    cursor: Annotated[str, StringConstraints(max_length=500)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


class CommentIn(Input):
    body: Body
    visibility: Literal["public", "internal"] = "public"
    from_caller: bool = Field(default=False, description="The caller wrote it (by phone, SMS or e-mail bridge)")
    time_worked_minutes: Annotated[int, Field(ge=1, le=1440)] | None = Field(
        default=None, description="Time worked that this entry records, in minutes; added to the ticket's total")


class ActivityAttachment(BaseModel):
    id: int
    filename: str
    content_type: str
    size_bytes: int
    preview: bool = Field(default=False, description="An image the browser may show (its download with ?inline=1)")


class NotePartOut(BaseModel):
    key: str = Field(description="A sentence of a note the desk wrote itself; the web app has it in each language")
    params: dict[str, Any]


class ActivityOut(BaseModel):
    id: int
    kind: Literal["comment", "work_note", "audit", "notification"] = Field(
        description="A notification is a message sent to the requester: `field` its channel (sms, email), "
                    "`old_value` its recipient, `new_value` its delivery state, `detail` the last error")
    created_at: datetime
    actor: str
    actor_name: str | None = Field(default=None, description="The actor's display name in the agent directory")
    body: str | None = None
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    detail: str | None = None
    note_parts: list[NotePartOut] | None = Field(
        default=None, description="For a note the desk wrote itself, its sentences as keys and parameters; `body` "
                                  "has them in English")
    time_worked_minutes: int | None = Field(default=None, description="What a comment or work note recorded")
    attachments: list[ActivityAttachment] = Field(default=[], description="Files uploaded to this comment or note")


class ActivityPage(BaseModel):
    items: list[ActivityOut]


class TicketCreatedOut(TicketOut):
    duplicate_candidates: list[SimilarItem] = Field(
        default=[], description="Open tickets that may report the same problem (empty when search is unavailable)")


class MarkDuplicateIn(Input):
    of: TicketNumber = Field(description="The open ticket this one duplicates; it becomes the parent")


class ChangesQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: Annotated[int, Field(ge=0, le=2**62)] | None = Field(
        default=None, description="The `latest` of the previous answer; without it, only where the desk is now")


class ChangedTicket(BaseModel):
    number: str
    short_description: str
    channel: Channel
    priority: int
    opened: bool = Field(description="Whether this write opened the ticket")


class ChangesOut(BaseModel):
    tag: str = Field(description="Also the ETag: send it back in If-None-Match, and an unchanged desk answers 304")
    latest: int
    tickets: list[ChangedTicket] = Field(description="Tickets written since `after`, newest first (at most 100)")
