"""The shapes of API keys and of the roles Static Web Apps asks for at sign-in."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.schemas.common import Input, Name, Scope


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


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]


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
