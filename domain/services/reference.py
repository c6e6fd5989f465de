"""Reference data use cases: groups, categories, SLA targets and contact look-ups."""
from __future__ import annotations

from domain.contacts import to_e164
from domain.errors import FieldError, InvalidInput, NotFound
from domain.schemas import (
    CallerOut, CategoryIn, CategoryOut, GroupIn, GroupOut, MemberIn, MemberOut, SlaTargetIn, SlaTargetOut,
    SubcategoriesIn,
)
from domain.settings import Settings
from domain.sla import DEFAULT_TARGETS, SlaTarget
from domain.store.reference import forget_sla_targets
from domain.store.uow import UnitOfWork


def add_group(data: GroupIn, uow: UnitOfWork) -> GroupOut:
    with uow:
        row = uow.reference.add_group(data.name.strip())
        uow.commit()
    return GroupOut(**row)


def list_groups(uow: UnitOfWork) -> list[GroupOut]:
    with uow:
        return [GroupOut(**row) for row in uow.reference.groups()]


def members(group_id: int, uow: UnitOfWork) -> list[MemberOut]:
    """The group's agents: the directory the form's Assigned to look-up draws from."""
    with uow:
        _group(uow, group_id)
        return [MemberOut(**row) for row in uow.reference.members(group_id)]


def put_member(group_id: int, data: MemberIn, uow: UnitOfWork) -> tuple[bool, MemberOut]:
    member = MemberOut(user_name=data.user_name.strip(), display_name=data.display_name.strip())
    with uow:
        _group(uow, group_id)
        added = uow.reference.put_member(group_id, member.user_name, member.display_name)
        uow.commit()
    return added, member


def remove_member(group_id: int, user_name: str, uow: UnitOfWork) -> MemberOut:
    """Take the agent out of the group; the answer is who was removed."""
    with uow:
        _group(uow, group_id)
        removed = uow.reference.remove_member(group_id, user_name)
        if removed is None:
            raise NotFound(f"{user_name!r} is not a member of this group.")
        uow.commit()
    return MemberOut(**removed)


def _group(uow: UnitOfWork, group_id: int) -> dict:
    group = uow.reference.group_by_id(group_id)
    if group is None:
        raise NotFound(f"There is no group {group_id}.")
    return group


def set_subcategories(category_id: int, data: SubcategoriesIn, uow: UnitOfWork) -> CategoryOut:
    """Replace a category's subcategories. Tickets keep the subcategory they have; new choices follow the list."""
    subcategories = _distinct(data.subcategories)
    with uow:
        row = uow.reference.set_subcategories(category_id, subcategories)
        if row is None:
            raise NotFound(f"There is no category {category_id}.")
        uow.commit()
    return CategoryOut(**row)


def _distinct(names: list[str]) -> list[str]:
    subcategories = [name.strip() for name in names]
    if len(set(subcategories)) != len(subcategories):
        raise InvalidInput("Subcategories must differ.", [FieldError("repeated", "/subcategories", code="repeated")])
    return subcategories


def add_category(data: CategoryIn, uow: UnitOfWork) -> CategoryOut:
    subcategories = _distinct(data.subcategories)
    with uow:
        row = uow.reference.add_category(data.name.strip(), subcategories)
        uow.commit()
    return CategoryOut(**row)


def list_categories(uow: UnitOfWork) -> list[CategoryOut]:
    with uow:
        return [CategoryOut(**row) for row in uow.reference.categories()]


def list_sla_targets(uow: UnitOfWork) -> list[SlaTargetOut]:
    with uow:
        stored = uow.reference.sla_targets(fresh=True)
    return [
        SlaTargetOut(**vars(stored.get(p) or SlaTarget(p, *DEFAULT_TARGETS[p])))
        for p in sorted(DEFAULT_TARGETS)
    ]


def set_sla_target(priority: int, data: SlaTargetIn, uow: UnitOfWork) -> SlaTargetOut:
    if priority not in DEFAULT_TARGETS:
        raise InvalidInput("Priorities run from 1 to 5.", [FieldError("1 to 5", parameter="priority")])
    if data.response_minutes > data.resolution_minutes:
        raise InvalidInput(
            "The response target cannot be longer than the resolution target.",
            [FieldError("longer than resolution_minutes", "/response_minutes")],
        )
    target = SlaTarget(priority, data.response_minutes, data.resolution_minutes)
    with uow:
        uow.reference.set_sla_target(target)
        uow.commit()
    forget_sla_targets()
    return SlaTargetOut(**vars(target))


def find_contacts(phone: str | None, email: str | None, settings: Settings, uow: UnitOfWork) -> list[CallerOut]:
    if phone is None and email is None:
        raise InvalidInput(
            "Look contacts up by phone or e-mail.", [FieldError("phone or email is required", parameter="phone")]
        )
    e164 = to_e164(phone, settings.DEFAULT_PHONE_REGION, pointer=None, parameter="phone") if phone else None
    with uow:
        return [CallerOut.model_validate(c, from_attributes=True) for c in uow.contacts.find(phone=e164, email=email)]
