"""The shapes the API accepts and returns; their JSON Schemas feed the OpenAPI document."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from domain.text import INVISIBLE
from domain.tickets import NUMBER_PATTERN, Channel, CloseCode, OnHoldReason

# PostgreSQL text cannot hold NUL, and other C0 controls in a ticket only ever come from garbage; patterns
# rather than validators, so that the OpenAPI document tells integrators the same rule.
_PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
# Not blank: at least one character that shows, so neither spaces nor invisible format characters make a note.
_PRINTABLE_NOT_BLANK = rf"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*[^\s\x00-\x1f{INVISIBLE}][^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def _text(min_length: int, max_length: int, blank: bool = False) -> object:
    return StringConstraints(
        min_length=min_length, max_length=max_length, pattern=_PRINTABLE if blank else _PRINTABLE_NOT_BLANK
    )


Name = Annotated[str, _text(1, 100)]
ShortDescription = Annotated[str, _text(1, 160)]
LongText = Annotated[str, _text(0, 32_000, blank=True)]
Body = Annotated[str, _text(1, 32_000)]
Person = Annotated[str, _text(1, 200)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f]+$")]
Phone = Annotated[str, StringConstraints(min_length=3, max_length=32, pattern=r"^[0-9+() .\-]+$")]
SearchText = Annotated[str, _text(1, 200)]
Level = Annotated[int, Field(ge=1, le=3, description="1 high, 2 medium, 3 low")]
TicketNumber = Annotated[str, StringConstraints(pattern=f"^{NUMBER_PATTERN}$")]
StateName = Literal["new", "in_progress", "on_hold", "resolved", "closed", "canceled"]
Language = Literal["es", "en"]
Scope = Literal["tickets:read", "tickets:write"]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CallerIn(Input):
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


def _no_defaults(schema: dict[str, Any]) -> None:
    # A patch has no defaults: a field left out stays as it is.
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


class TicketPatch(Input):
    """Only the fields sent change; null clears a field that may be empty."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_no_defaults)

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
    name: str | None
    phone: str | None
    email: str | None
    language: str


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


class TicketQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    view: Literal["mine", "unassigned", "untriaged", "open", "resolved", "all"] = "all"
    state: StateName | None = None
    priority: Annotated[int, Field(ge=1, le=5)] | None = None
    assignment_group: Name | None = None
    assigned_to: Person | None = None
    caller_phone: Phone | None = None
    category: Name | None = None
    parent: TicketNumber | None = Field(default=None, description="Only this ticket's children")
    q: SearchText | None = None
    sort: Annotated[str, StringConstraints(pattern=r"^-?[a-z_]+$", max_length=40)] = "-number"
    cursor: Annotated[str, StringConstraints(max_length=500)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


class ContactQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: Phone | None = None
    email: Email | None = None


class CommentIn(Input):
    body: Body
    visibility: Literal["public", "internal"] = "public"
    from_caller: bool = Field(default=False, description="The caller wrote it (by phone, SMS or e-mail bridge)")


class ActivityOut(BaseModel):
    id: int
    kind: Literal["comment", "work_note", "audit"]
    created_at: datetime
    actor: str
    actor_name: str | None = Field(default=None, description="The actor's display name in the agent directory")
    body: str | None = None
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None


class ActivityPage(BaseModel):
    items: list[ActivityOut]


class GroupIn(Input):
    name: Name


class GroupOut(BaseModel):
    id: int
    name: str


class ErasedOut(BaseModel):
    contact_id: int
    calls: int = Field(description="Calls whose recordings and transcripts were removed")
    tickets: int = Field(description="Tickets kept, anonymized, each with a work note")
    recordings_deleted: int


class MemberIn(Input):
    user_name: Person = Field(description="The agent's sign-in name: what tickets' assigned_to holds")
    display_name: Name


class MemberOut(BaseModel):
    user_name: str
    display_name: str


class MemberList(BaseModel):
    items: list[MemberOut]


class SubcategoriesIn(Input):
    subcategories: Annotated[list[Name], Field(max_length=100)]


class CategoryIn(Input):
    name: Name
    subcategories: Annotated[list[Name], Field(max_length=100)] = []


class CategoryOut(BaseModel):
    id: int
    name: str
    subcategories: list[str]


class SlaTargetIn(Input):
    response_minutes: Annotated[int, Field(ge=1, le=525_600)]
    resolution_minutes: Annotated[int, Field(ge=1, le=525_600)]


class SlaTargetOut(BaseModel):
    priority: int
    response_minutes: int
    resolution_minutes: int


class ApiKeyIn(Input):
    name: Name
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=10)]


class ApiKeyOut(BaseModel):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The secret; shown once, only its hash is kept")



class GroupList(BaseModel):
    items: list[GroupOut]


class CategoryList(BaseModel):
    items: list[CategoryOut]


class SlaTargetList(BaseModel):
    items: list[SlaTargetOut]


class ContactList(BaseModel):
    items: list[CallerOut]


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]


class HealthCheck(BaseModel):
    status: Literal["ok", "unavailable"]
    detail: str


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    checks: dict[str, HealthCheck]


class Claim(BaseModel):
    typ: Annotated[str, StringConstraints(max_length=500)]
    val: Annotated[str, StringConstraints(max_length=4000)]


class RolesRequest(BaseModel):
    """What Static Web Apps posts to its `rolesSource` function when a user signs in."""

    model_config = ConfigDict(extra="ignore")

    identityProvider: Annotated[str, StringConstraints(max_length=100)] = ""
    userId: Annotated[str, StringConstraints(max_length=500)] = ""
    userDetails: Annotated[str, StringConstraints(max_length=500)] = ""
    claims: Annotated[list[Claim], Field(max_length=500)] = []


class RolesOut(BaseModel):
    roles: list[str]


class FieldProblem(BaseModel):
    detail: str
    pointer: str | None = None
    parameter: str | None = None
    header: str | None = None
    code: str | None = Field(default=None, description="What is wrong, stable for clients to translate: pydantic's "
                                                       "error type, or required, unknown, not_allowed, loop, blank, taken")


class WriteReceipt(BaseModel):
    """The answer to a write for a caller that may write but not read: which record, and its version."""
    number: str | None = Field(default=None, description="The ticket written")
    id: int | None = Field(default=None, description="The article or activity entry written")
    version: int | None = Field(default=None, description="The version to send in If-Match next time")


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] = []


class TwilioForm(BaseModel):
    """The form fields Atiende reads from Twilio's voice webhooks; Twilio sends many more, which are ignored."""

    model_config = ConfigDict(extra="ignore")

    CallSid: Annotated[str, StringConstraints(pattern=r"^CA[0-9a-f]{32}$")]
    From: Annotated[str, StringConstraints(max_length=64, pattern=_PRINTABLE)] = ""
    To: Annotated[str, StringConstraints(max_length=64, pattern=_PRINTABLE)] = ""
    CallStatus: Annotated[str, StringConstraints(max_length=20, pattern=r"^[a-z\-]*$")] = ""
    CallDuration: Annotated[int, Field(ge=0, le=86_400)] | None = None
    Digits: Annotated[str, StringConstraints(max_length=20, pattern=r"^[0-9*#]*$")] | None = None
    SpeechResult: Annotated[str, StringConstraints(max_length=4000, pattern=_PRINTABLE)] | None = None
    Confidence: Annotated[float, Field(ge=0, le=1)] | None = None
    RecordingSid: Annotated[str, StringConstraints(pattern=r"^RE[0-9a-f]{32}$")] | None = None
    RecordingUrl: Annotated[str, StringConstraints(max_length=500, pattern=r"^https?://[^\s]+$")] | None = None
    RecordingStatus: Annotated[str, StringConstraints(max_length=20, pattern=r"^[a-z\-]*$")] | None = None
    RecordingDuration: Annotated[int, Field(ge=0, le=86_400)] | None = None


# What the caller chose: describe a problem, hear a status, or join the major incident the greeting named.
CallIntent = Literal["report", "status", "joined"]


class CallOut(BaseModel):
    sid: str
    from_phone: str
    caller: CallerOut | None
    locale: str
    status: str
    intent: CallIntent | None
    started_at: datetime
    ended_at: datetime | None
    duration_seconds: int | None
    speech: dict[str, Any] | None = Field(description="Twilio's live transcript: text and confidence")
    transcript: dict[str, Any] | None = Field(description="The recording's transcript: text, provider and confidence")
    recording_url: str | None = Field(description="Where to listen to the recording: this API, signed in")
    recording_link: str | None = Field(default=None, description="A link straight to Blob Storage that works for "
                                                                 "15 minutes; only when reading one call")
    recording_seconds: int | None
    pipeline: dict[str, Any] = Field(description="The call_to_ticket pipeline: status, step and why it needs review")
    ticket: str | None
    joined_existing: bool
    sms: dict[str, Any] | None


class CallPage(BaseModel):
    items: list[CallOut]
    next_cursor: str | None


class CallQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket: TicketNumber | None = None
    needs_review: Literal["true", "false"] | None = None
    cursor: Annotated[str, StringConstraints(max_length=500)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


class SimilarItem(BaseModel):
    number: str
    score: float = Field(description="Cosine similarity of the two tickets' vectors (1 is the same meaning)")
    short_description: str
    state: StateName
    open: bool
    category: str | None
    assignment_group: str | None
    close_code: str | None = Field(description="How a resolved or closed ticket was resolved")
    close_notes: str | None


class SimilarPage(BaseModel):
    items: list[SimilarItem]


class SimilarQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    k: Annotated[int, Field(ge=1, le=50)] = 5


class SearchItem(BaseModel):
    number: str
    score: float = Field(description="Reciprocal-rank fusion of the semantic and the full-text rankings")
    matched: list[Literal["text", "semantic"]]
    short_description: str
    state: StateName
    open: bool
    category: str | None
    assignment_group: str | None
    close_code: str | None
    close_notes: str | None


class SearchPage(BaseModel):
    items: list[SearchItem]
    degraded: str | None = Field(description="Why only full-text results came back, when Redis could not answer")


class SearchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: SearchText
    k: Annotated[int, Field(ge=1, le=50)] = 10


class TicketCreatedOut(TicketOut):
    duplicate_candidates: list[SimilarItem] = Field(
        default=[], description="Open tickets that may report the same problem (empty when search is unavailable)")


class MarkDuplicateIn(Input):
    of: TicketNumber = Field(description="The open ticket this one duplicates; it becomes the parent")


class TriageIn(Input):
    short_description: ShortDescription
    description: LongText = ""


class SuggestedValue(BaseModel):
    value: str | int | None = Field(description="The best label, however unsure (see confidence); None when no "
                                                "labelled ticket or classifier says anything about the field")
    confidence: float = Field(description="The nearest labelled tickets' vote for it, blended with the desk's "
                                          "classifier's probability when one is trained (or the chat model's)")
    fills: bool = Field(default=False, description="Whether the desk's calibration finds it sure enough to fill "
                                                   "the field with no agent (as a phone ticket's triage does)")


class TriageClassifier(BaseModel):
    tickets: int = Field(description="How many labelled tickets the classifier learned from")
    trained_at: str


class TriageFieldQuality(BaseModel):
    labelled: int = Field(description="Held-out tickets with this field that it was measured on")
    vote: float | None = Field(default=None, description="Top-1 accuracy of the ten nearest labelled tickets' vote")
    classifier: float | None = Field(default=None, description="Top-1 accuracy of the classifier alone")
    shipped: float | None = Field(default=None, description="Top-1 accuracy of the blend chosen, never below the vote")
    vote_weight: float | None = None
    power: float | None = None
    threshold: float | None = Field(default=None, description="The confidence from which it fills the field; above "
                                                              "1 it never does")
    coverage: float | None = Field(default=None, description="Share of held-out tickets sure enough to be filled")
    precision: float | None = Field(default=None, description="How often those were right")


class TriageQuality(BaseModel):
    trained: bool
    tickets: int = Field(default=0, description="Labelled tickets the classifier learned from")
    trained_at: datetime | None = None
    held_out: int = Field(default=0, description="Tickets each measured by a model that had not seen them")
    fields: dict[str, TriageFieldQuality] = Field(default_factory=dict)


class TriageOut(BaseModel):
    category: SuggestedValue
    subcategory: SuggestedValue
    assignment_group: SuggestedValue
    impact: SuggestedValue
    urgency: SuggestedValue
    summary: str
    low_confidence: bool = Field(description="True when no field's suggestion has more than half the weight: "
                                             "every suggestion is a guess")
    neighbours: list[str] = Field(description="The labelled tickets that voted, nearest first")
    classifier: TriageClassifier | None = Field(description="The classifier the vote was combined with; None "
                                                            "until the desk's first training")
    duplicate_candidates: list[SimilarItem]


ArticleState = Literal["draft", "published"]
Markdown = Annotated[str, _text(1, 100_000)]


class ArticleIn(Input):
    title: ShortDescription
    body: Markdown = Field(description="Markdown; the web app renders it through a sanitiser")
    language: Language
    category: Name | None = None
    state: ArticleState = "draft"


class ArticlePatch(Input):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_no_defaults)

    # As in TicketPatch: None only marks a field left out, which a client may not send as null.
    title: ShortDescription = None  # type: ignore[assignment]
    body: Markdown = None  # type: ignore[assignment]
    language: Language = None  # type: ignore[assignment]
    category: Name | None = None
    state: ArticleState = None  # type: ignore[assignment]


class ArticleOut(BaseModel):
    id: int
    title: str
    body: str
    language: Language
    category: str | None
    state: ArticleState
    source_ticket: str | None
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime | None
    updated_by: str | None


class ArticleHit(BaseModel):
    id: int
    title: str
    language: Language
    category: str | None
    state: ArticleState
    score: float = Field(description="How close by meaning (suggestions), or the fused rank (search)")


class ArticleList(BaseModel):
    items: list[ArticleOut]


class ArticleHits(BaseModel):
    items: list[ArticleHit]


class ArticleQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: SearchText | None = None
    state: ArticleState | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


def _time_zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError("an IANA time zone such as Europe/Madrid or America/Mexico_City") from err
    return name


TimeZone = Annotated[str, StringConstraints(pattern=r"^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$", max_length=60),
                     AfterValidator(_time_zone)]


class DashboardQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tz: TimeZone = Field(default="UTC", description="Days are counted in this time zone")


class PriorityCount(BaseModel):
    priority: int
    count: int


class StateCount(BaseModel):
    state: str
    count: int


class GroupCount(BaseModel):
    assignment_group: str | None = Field(description="None for tickets no group holds")
    count: int


class SlaSummary(BaseModel):
    on_track: int
    at_risk: int = Field(description="Open tickets past 75% of their resolution target")
    breached: int = Field(description="Open tickets past their resolution target")


class DayCount(BaseModel):
    date: str = Field(description="The day, in the time zone asked for")
    opened: int
    resolved: int


class MajorIncident(BaseModel):
    number: str
    short_description: str
    affected_callers: int
    priority: int
    opened_at: datetime


class DashboardOut(BaseModel):
    generated_at: datetime
    time_zone: str
    open: int
    by_priority: list[PriorityCount] = Field(description="Open tickets, every priority listed")
    by_state: list[StateCount] = Field(description="Open tickets, every open state listed")
    by_group: list[GroupCount] = Field(description="Open tickets per assignment group, most first")
    sla: SlaSummary
    per_day: list[DayCount] = Field(description="The last 30 days, oldest first, today included")
    resolved_in_period: int
    mean_time_to_resolve_hours: float | None = Field(
        description="Over the tickets resolved in those 30 days, time on hold excluded; None when none was")
    untriaged: int = Field(description="Open tickets no assignment group has been given (the untriaged view)")
    major_incidents: list[MajorIncident] = Field(
        description="Open tickets that many distinct callers reported (an outage), the most reported first")
