"""The building blocks every resource's shapes share: text that PostgreSQL and agents can read, levels,
numbers, and the problem+json answer."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.text import INVISIBLE
from domain.tickets import NUMBER_PATTERN

# PostgreSQL text cannot hold NUL, and other C0 controls in a ticket only ever come from garbage; patterns
# rather than validators, so that the OpenAPI document tells integrators the same rule.
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


# Not blank: at least one character that shows, so neither spaces nor invisible format characters make a note.
PRINTABLE_NOT_BLANK = rf"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*[^\s\x00-\x1f{INVISIBLE}][^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def text_field(min_length: int, max_length: int, blank: bool = False) -> object:
    return StringConstraints(
        min_length=min_length, max_length=max_length, pattern=PRINTABLE if blank else PRINTABLE_NOT_BLANK
    )


Name = Annotated[str, text_field(1, 100)]


ShortDescription = Annotated[str, text_field(1, 160)]


LongText = Annotated[str, text_field(0, 32_000, blank=True)]


Body = Annotated[str, text_field(1, 32_000)]


Person = Annotated[str, text_field(1, 200)]


Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f]+$")]


Phone = Annotated[str, StringConstraints(min_length=3, max_length=32, pattern=r"^[0-9+() .\-]+$")]


SearchText = Annotated[str, text_field(1, 200)]

# What the words of a search match, for the OpenAPI document: the same rules in every search (migration 013).
WORDS_MATCH = ("Words in Spanish or English, stemmed, accents and case aside (\"gonzalez\" finds \"González\", "
               "\"informacion\" \"información\"); hyphenated compounds match their joined form and back (\"wifi\" "
               "finds \"Wi-Fi\")")


Level = Annotated[int, Field(ge=1, le=3, description="1 high, 2 medium, 3 low")]


TicketNumber = Annotated[str, StringConstraints(pattern=f"^{NUMBER_PATTERN}$")]


StateName = Literal["new", "in_progress", "on_hold", "resolved", "closed", "canceled"]


Language = Literal["es", "en"]


Scope = Literal["tickets:read", "tickets:write"]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def no_defaults(schema: dict[str, Any]) -> None:
    # A patch has no defaults: a field left out stays as it is.
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


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
