"""What Twilio's messaging webhooks send, and the requester's side of a ticket as the API answers it."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.schemas.common import PRINTABLE


class TwilioSmsForm(BaseModel):
    """An SMS to the desk's number (Twilio's incoming-message webhook); the many other fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    MessageSid: Annotated[str, StringConstraints(pattern=r"^(SM|MM)[0-9a-f]{32}$")]
    From: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=PRINTABLE)]
    To: Annotated[str, StringConstraints(max_length=64, pattern=PRINTABLE)] = ""
    # Twilio joins up to ten segments; a longer body is not one a phone sent.
    Body: Annotated[str, StringConstraints(max_length=1600, pattern=PRINTABLE)] = ""


class TwilioMessageStatusForm(BaseModel):
    """Twilio's status callback for a message the desk sent."""

    model_config = ConfigDict(extra="ignore")

    MessageSid: Annotated[str, StringConstraints(pattern=r"^(SM|MM)[0-9a-f]{32}$")]
    MessageStatus: Annotated[str, StringConstraints(max_length=20, pattern=r"^[a-z_]+$")]
    ErrorCode: Annotated[str, StringConstraints(max_length=10, pattern=r"^[0-9]*$")] | None = None


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size_bytes: int
    created_at: datetime
    image: bool = Field(default=False, description="An image of any kind (content_type image/*)")
    preview: bool = Field(default=False, description="An image the browser may show: ?inline=1 on its download "
                                                     "serves it (PNG, JPEG, GIF, WebP; never SVG)")
    uploaded_by: str | None = Field(default=None, description="The agent who uploaded it; none: it came with the "
                                                              "requester's e-mail")
    activity_id: int | None = Field(default=None, description="The comment or work note it belongs to")


class ContactChannelsIn(BaseModel):
    """How a contact wants to hear from the desk: set on their word (the SMS channel also by STOP and START)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    sms_opted_out: bool | None = None
    email_opted_out: bool | None = None
    time_zone: Annotated[str, StringConstraints(max_length=64, pattern=r"^[A-Za-z]+(/[A-Za-z0-9_+\-]+)*$")] | None = Field(
        default=None, description="An IANA time zone, as America/Mexico_City, for quiet hours")


class AttachmentList(BaseModel):
    items: list[AttachmentOut]


class ReachOut(BaseModel):
    """How a contact can be reached, and whether they want to be."""

    contact_id: int
    name: str | None
    phone: str | None
    email: str | None
    language: str
    time_zone: str | None
    sms_opted_out: bool
    email_opted_out: bool


class RatingForm(BaseModel):
    """The rating page's confirming click, form-encoded as the page sends it."""

    model_config = ConfigDict(extra="ignore")

    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, StringConstraints(max_length=2000, pattern=PRINTABLE)] = ""


class RatingQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Annotated[int, Field(ge=1, le=5)] | None = Field(default=None, description="The rating the link chose")


class GroupWeekRating(BaseModel):
    assignment_group: str = Field(description="Empty for tickets with no group")
    week: datetime
    answers: int
    average: float
    satisfied: float = Field(description="The share of ratings of 4 or 5")


class FlaggedRating(BaseModel):
    number: str
    short_description: str
    rating: int
    comment: str | None
    answered_at: datetime


class SatisfactionOut(BaseModel):
    by_group_and_week: list[GroupWeekRating]
    flagged: list[FlaggedRating]
