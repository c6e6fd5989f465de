"""The shapes of calls: the form Twilio's webhooks post, and calls as `/api/calls` lists them."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.schemas.common import PRINTABLE, TicketNumber
from domain.schemas.tickets import CallerOut


class TwilioForm(BaseModel):
    """The form fields Atiende reads from Twilio's voice webhooks; Twilio sends many more, which are ignored."""

    model_config = ConfigDict(extra="ignore")

    CallSid: Annotated[str, StringConstraints(pattern=r"^CA[0-9a-f]{32}$")]
    From: Annotated[str, StringConstraints(max_length=64, pattern=PRINTABLE)] = ""
    To: Annotated[str, StringConstraints(max_length=64, pattern=PRINTABLE)] = ""
    CallStatus: Annotated[str, StringConstraints(max_length=20, pattern=r"^[a-z\-]*$")] = ""
    CallDuration: Annotated[int, Field(ge=0, le=86_400)] | None = None
    Digits: Annotated[str, StringConstraints(max_length=20, pattern=r"^[0-9*#]*$")] | None = None
    SpeechResult: Annotated[str, StringConstraints(max_length=4000, pattern=PRINTABLE)] | None = None
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
