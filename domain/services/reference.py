"""Reference data use cases: groups, categories, SLA targets and contact look-ups."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.auth import Principal
from domain.contacts import caller_phone_key
from domain.errors import FieldError, InvalidInput, NotFound
from domain.schemas.callers import ContactChange, ContactChangeOut
from domain.schemas.reference import (
    AgentOut,
    AgentQuery,
    CategoryIn,
    CategoryOut,
    GroupIn,
    GroupOut,
    MemberIn,
    MemberOut,
    SlaTargetIn,
    SlaTargetOut,
    SubcategoriesIn,
)
from domain.schemas.tickets import CallerOut
from domain.search_terms import prefix_query
from domain.settings import Settings
from domain.sla import DEFAULT_TARGETS, SlaTarget
from domain.store.reference import forget_sla_targets
from domain.store.uow import UnitOfWork


async def add_group(data: GroupIn, uow: UnitOfWork) -> GroupOut:
    async with uow:
        row = await uow.reference.add_group(data.name.strip())
        await uow.commit()
    return GroupOut(**row)


async def list_groups(uow: UnitOfWork) -> list[GroupOut]:
    async with uow:
        return [GroupOut(**row) for row in await uow.reference.groups()]


async def members(group_id: int, uow: UnitOfWork) -> list[MemberOut]:
    """The group's agents: the directory the form's Assigned to look-up draws from."""
    async with uow:
        await _group(uow, group_id)
        return [MemberOut(**row) for row in await uow.reference.members(group_id)]


async def put_member(group_id: int, data: MemberIn, uow: UnitOfWork) -> tuple[bool, MemberOut]:
    member = MemberOut(user_name=data.user_name.strip(), display_name=data.display_name.strip())
    async with uow:
        await _group(uow, group_id)
        added = await uow.reference.put_member(group_id, member.user_name, member.display_name)
        await uow.commit()
    return added, member


async def remove_member(group_id: int, user_name: str, uow: UnitOfWork) -> MemberOut:
    """Take the agent out of the group; the answer is who was removed."""
    async with uow:
        await _group(uow, group_id)
        removed = await uow.reference.remove_member(group_id, user_name)
        if removed is None:
            raise NotFound(f"{user_name!r} is not a member of this group.")
        await uow.commit()
    return MemberOut(**removed)


async def _group(uow: UnitOfWork, group_id: int) -> dict[str, Any]:
    group = await uow.reference.group_by_id(group_id)
    if group is None:
        raise NotFound(f"There is no group {group_id}.")
    return group


async def set_subcategories(category_id: int, data: SubcategoriesIn, uow: UnitOfWork) -> CategoryOut:
    """Replace a category's subcategories. Tickets keep the subcategory they have; new choices follow the list."""
    subcategories = _distinct(data.subcategories)
    async with uow:
        row = await uow.reference.set_subcategories(category_id, subcategories)
        if row is None:
            raise NotFound(f"There is no category {category_id}.")
        await uow.commit()
    return CategoryOut(**row)


def _distinct(names: list[str]) -> list[str]:
    subcategories = [name.strip() for name in names]
    if len(set(subcategories)) != len(subcategories):
        raise InvalidInput("Subcategories must differ.", [FieldError("repeated", "/subcategories", code="repeated")])
    return subcategories


async def add_category(data: CategoryIn, uow: UnitOfWork) -> CategoryOut:
    subcategories = _distinct(data.subcategories)
    async with uow:
        row = await uow.reference.add_category(data.name.strip(), subcategories)
        await uow.commit()
    return CategoryOut(**row)


async def list_categories(uow: UnitOfWork) -> list[CategoryOut]:
    async with uow:
        return [CategoryOut(**row) for row in await uow.reference.categories()]


async def list_sla_targets(uow: UnitOfWork) -> list[SlaTargetOut]:
    async with uow:
        stored = await uow.reference.sla_targets(fresh=True)
    return [
        SlaTargetOut(**vars(stored.get(p) or SlaTarget(p, *DEFAULT_TARGETS[p])))
        for p in sorted(DEFAULT_TARGETS)
    ]


async def set_sla_target(priority: int, data: SlaTargetIn, uow: UnitOfWork) -> SlaTargetOut:
    if priority not in DEFAULT_TARGETS:
        raise InvalidInput("Priorities run from 1 to 5.", [FieldError("1 to 5", parameter="priority")])
    if data.response_minutes > data.resolution_minutes:
        raise InvalidInput(
            "The response target cannot be longer than the resolution target.",
            [FieldError("longer than resolution_minutes", "/response_minutes")],
        )
    target = SlaTarget(priority, data.response_minutes, data.resolution_minutes)
    async with uow:
        await uow.reference.set_sla_target(target)
        await uow.commit()
    forget_sla_targets()
    return SlaTargetOut(**vars(target))


async def find_contacts(phone: str | None, email: str | None, settings: Settings, uow: UnitOfWork,
                        text: str | None = None) -> list[CallerOut]:
    """Contacts by their whole phone number (in any spelling the region reads), their e-mail, or `text`: the
    beginning of their name or a run of their phone's digits, as an agent types it."""
    if phone is None and email is None and text is None:
        raise InvalidInput(
            "Look contacts up by phone, e-mail or q.", [FieldError("phone, email or q is required", parameter="phone")]
        )
    key = caller_phone_key(phone, settings.DEFAULT_PHONE_REGION, parameter="phone") if phone else None
    async with uow:
        found = await uow.contacts.find(phone=key, email=email, text=text)
        return [CallerOut.model_validate(c, from_attributes=True) for c in found]


async def change_contact(contact_id: int, change: ContactChange, who: Principal, now: datetime,
                         uow: UnitOfWork) -> CallerOut:
    """Rename a contact (or set their e-mail or language) on purpose: it shows on every ticket of theirs that
    does not keep another caller's name, and in the phone greeting. Each changed field is audited."""
    values = change.model_dump(exclude_unset=True)
    if not values:
        raise InvalidInput("Say what to change.", [FieldError("name, email or language is required", "")])
    if "language" in values and values["language"] is None:
        raise InvalidInput("A contact always has a language.", [FieldError("cannot be null", "/language")])
    if isinstance(values.get("name"), str):
        values["name"] = values["name"].strip()
    async with uow:
        changed = await uow.contacts.change(contact_id, values, who.name, now)
        if changed is None:
            raise NotFound(f"There is no contact {contact_id}.")
        await uow.commit()
    return CallerOut.model_validate(changed, from_attributes=True)


async def contact_changes(contact_id: int, uow: UnitOfWork) -> list[ContactChangeOut]:
    async with uow.reading():
        if await uow.contacts.get(contact_id) is None:
            raise NotFound(f"There is no contact {contact_id}.")
        return [ContactChangeOut(**row) for row in await uow.contacts.changes(contact_id)]


async def find_agents(wanted: AgentQuery, uow: UnitOfWork) -> list[AgentOut]:
    """The directory's agents matching what is typed (each word the start of a name, sign-in name or e-mail),
    in a group when one is named."""
    words = prefix_query(wanted.q) if wanted.q and wanted.q.strip() else None
    async with uow.reading():
        return [AgentOut(**row) for row in await uow.reference.agents(words or None, wanted.group, wanted.limit)]
