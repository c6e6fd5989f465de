"""The shapes of the reference data admins keep: groups and their members, categories, SLA targets."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.schemas.common import Input, Name, Person


class GroupIn(Input):
    name: Name


class GroupOut(BaseModel):
    id: int
    name: str


class MemberIn(Input):
    user_name: Person = Field(description="The agent's sign-in name: what tickets' assigned_to holds")
    display_name: Name


class MemberOut(BaseModel):
    user_name: str
    display_name: str


class MemberList(BaseModel):
    items: list[MemberOut]


class AgentQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        default=None, description="Words the agent's name, sign-in name or e-mail begin with")
    group: Name | None = Field(default=None, description="Only this group's agents")
    limit: Annotated[int, Field(ge=1, le=50)] = 20


class AgentOut(BaseModel):
    user_name: str = Field(description="What a ticket's assigned_to holds")
    display_name: str
    email: str | None
    signed_in: bool = Field(description="Whether they have signed in yet (admins may list them before)")


class AgentList(BaseModel):
    items: list[AgentOut]


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


class GroupList(BaseModel):
    items: list[GroupOut]


class CategoryList(BaseModel):
    items: list[CategoryOut]


class SlaTargetList(BaseModel):
    items: list[SlaTargetOut]
