"""The shapes of an agent's upload: asking for a link, and completing it into an attachment."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.schemas.common import PRINTABLE_NOT_BLANK, Input


class UploadIn(Input):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=PRINTABLE_NOT_BLANK)] = Field(
        description="The file's name on the agent's machine; kept without any path, and ending as its type does")
    content_type: Annotated[str, StringConstraints(max_length=127, pattern=r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$")]
    size: Annotated[int, Field(ge=1, le=2**31 - 1, description="In bytes; at most ATTACHMENT_MAX_BYTES")]


class UploadOut(BaseModel):
    id: str = Field(description="The upload's id, for completing it")
    filename: str = Field(description="The name the file will be kept under")
    content_type: str
    max_bytes: int
    upload_url: str = Field(description="Blob Storage's URL with a create-only SAS: PUT the file's bytes there")
    method: Literal["PUT"] = "PUT"
    headers: dict[str, str] = Field(description="Send these headers with the PUT")
    expires_at: datetime = Field(description="The link stops working then; complete before")


class UploadCompleteIn(Input):
    comment_id: Annotated[int, Field(ge=1, le=2**62)] | None = Field(
        default=None, description="Your comment or work note on this ticket that the file belongs to")


class AttachmentQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inline: bool = Field(default=False, description="Serve an image (PNG, JPEG, GIF, WebP) to show, not download")
