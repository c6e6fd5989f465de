"""Reference data use cases: groups, categories, SLA targets and contact look-ups."""
from __future__ import annotations

from domain.contacts import to_e164
from domain.errors import FieldError, InvalidInput
from domain.schemas import (
    CallerOut, CategoryIn, CategoryOut, GroupIn, GroupOut, SlaTargetIn, SlaTargetOut,
)
from domain.settings import Settings
from domain.sla import DEFAULT_TARGETS, SlaTarget
from domain.store.uow import UnitOfWork


def add_group(data: GroupIn, uow: UnitOfWork) -> GroupOut:
    with uow:
        row = uow.reference.add_group(data.name.strip())
        uow.commit()
    return GroupOut(**row)


def list_groups(uow: UnitOfWork) -> list[GroupOut]:
    with uow:
        return [GroupOut(**row) for row in uow.reference.groups()]


def add_category(data: CategoryIn, uow: UnitOfWork) -> CategoryOut:
    subcategories = [name.strip() for name in data.subcategories]
    if len(set(subcategories)) != len(subcategories):
        raise InvalidInput("Subcategories must differ.", [FieldError("repeated", "/subcategories")])
    with uow:
        row = uow.reference.add_category(data.name.strip(), subcategories)
        uow.commit()
    return CategoryOut(**row)


def list_categories(uow: UnitOfWork) -> list[CategoryOut]:
    with uow:
        return [CategoryOut(**row) for row in uow.reference.categories()]


def list_sla_targets(uow: UnitOfWork) -> list[SlaTargetOut]:
    with uow:
        stored = uow.reference.sla_targets()
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
    return SlaTargetOut(**vars(target))


def find_contacts(phone: str | None, email: str | None, settings: Settings, uow: UnitOfWork) -> list[CallerOut]:
    if phone is None and email is None:
        raise InvalidInput(
            "Look contacts up by phone or e-mail.", [FieldError("phone or email is required", parameter="phone")]
        )
    e164 = to_e164(phone, settings.DEFAULT_PHONE_REGION, pointer=None, parameter="phone") if phone else None
    with uow:
        return [CallerOut.model_validate(c, from_attributes=True) for c in uow.contacts.find(phone=e164, email=email)]
