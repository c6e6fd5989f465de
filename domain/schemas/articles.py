"""The shapes of the knowledge base's articles."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.schemas.common import (
    WORDS_MATCH,
    Input,
    Language,
    Name,
    SearchText,
    ShortDescription,
    no_defaults,
    text_field,
)

ArticleState = Literal["draft", "published"]


Markdown = Annotated[str, text_field(1, 100_000)]


class ArticleIn(Input):
    title: ShortDescription
    body: Markdown = Field(description="Markdown; the web app renders it through a sanitiser")
    language: Language
    category: Name | None = None
    state: ArticleState = "draft"


class ArticlePatch(Input):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=no_defaults)

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

    q: SearchText | None = Field(default=None, description=WORDS_MATCH + "; best match first.")
    state: ArticleState | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25
