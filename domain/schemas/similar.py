"""The shapes of similar tickets, search and triage."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.schemas.common import WORDS_MATCH, Input, LongText, SearchText, ShortDescription, StateName


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

    q: SearchText = Field(description=(
        "By meaning, and by " + WORDS_MATCH[0].lower() + WORDS_MATCH[1:] + ". For tickets, a ticket's number with "
        "or without INC and zeros ranks first, then numbers holding the digits typed (\"0019\")."))
    k: Annotated[int, Field(ge=1, le=50)] = 10


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
    temperature: float | None = Field(default=None, description="The classifier's temperature, chosen by the "
                                                                "likelihood of the held-out tickets' labels")
    threshold: float | None = Field(default=None, description="The confidence from which it fills the field; above "
                                                              "1 it never does")
    coverage: float | None = Field(default=None, description="Share of held-out tickets sure enough to be filled")
    precision: float | None = Field(default=None, description="How often those were right")


class SearchQuality(BaseModel):
    queries: int = Field(description="Held-out tickets that asked search, by their short description, for tickets "
                                     "of their subcategory")
    text_weight: float = Field(description="The words' weight against the vectors' chosen for this language")
    vectors_recall5: float = Field(description="Share with a right ticket in the vectors' first five")
    vectors_mrr: float
    even_recall5: float = Field(description="The same with words and vectors weighed evenly")
    even_mrr: float
    shipped_recall5: float = Field(description="The same with the weight chosen")
    shipped_mrr: float


class TriageQuality(BaseModel):
    trained: bool
    tickets: int = Field(default=0, description="Labelled tickets the classifier learned from")
    trained_at: datetime | None = None
    held_out: int = Field(default=0, description="Tickets each measured by a model that had not seen them")
    fields: dict[str, TriageFieldQuality] = Field(default_factory=dict)
    search: dict[str, SearchQuality] = Field(default_factory=dict, description="Search measured per language")
    min_similarity: float | None = Field(default=None, description="A text whose nearest labelled ticket is less "
                                                                   "similar than this is novel: nothing fills on its own")


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
