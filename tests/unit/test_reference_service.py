"""Reference data's rules, against the in-memory unit of work: names are unique, subcategories differ, and an SLA
target's response never outlasts its resolution; a refused change leaves what was there."""
from __future__ import annotations

import pytest

from domain.errors import Conflict, InvalidInput, NotFound
from domain.schemas.reference import CategoryIn, GroupIn, SlaTargetIn, SubcategoriesIn
from domain.services import reference
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeUnitOfWork


def test_a_group_or_category_name_is_taken_once():
    desk = DeskState()
    on_own_loop(reference.add_group(GroupIn(name=" Network team "), FakeUnitOfWork(desk)))
    with pytest.raises(Conflict):
        on_own_loop(reference.add_group(GroupIn(name="Network team"), FakeUnitOfWork(desk)))
    made = on_own_loop(reference.add_category(CategoryIn(name="Network", subcategories=["Wi-Fi"]), FakeUnitOfWork(desk)))
    with pytest.raises(Conflict):
        on_own_loop(reference.add_category(CategoryIn(name="Network", subcategories=[]), FakeUnitOfWork(desk)))
    assert desk.groups == {"Network team"} and desk.categories == {"Network": ["Wi-Fi"]} and made.subcategories == ["Wi-Fi"]


def test_subcategories_must_differ_and_a_refused_list_keeps_the_old_one():
    desk = DeskState()
    made = on_own_loop(reference.add_category(CategoryIn(name="Network", subcategories=["Wi-Fi"]), FakeUnitOfWork(desk)))
    with pytest.raises(InvalidInput) as refused:
        on_own_loop(reference.set_subcategories(made.id, SubcategoriesIn(subcategories=["VPN", " VPN"]),
                                                FakeUnitOfWork(desk)))
    assert refused.value.errors[0].pointer == "/subcategories" and desk.categories["Network"] == ["Wi-Fi"]
    changed = on_own_loop(reference.set_subcategories(made.id, SubcategoriesIn(subcategories=["Wi-Fi", "VPN"]),
                                                      FakeUnitOfWork(desk)))
    assert changed.subcategories == ["Wi-Fi", "VPN"]
    with pytest.raises(NotFound):
        on_own_loop(reference.set_subcategories(999, SubcategoriesIn(subcategories=[]), FakeUnitOfWork(desk)))


def test_an_sla_target_needs_a_priority_and_a_response_no_longer_than_its_resolution():
    desk = DeskState()
    with pytest.raises(InvalidInput) as refused:
        on_own_loop(reference.set_sla_target(5, SlaTargetIn(response_minutes=2000, resolution_minutes=1000),
                                             FakeUnitOfWork(desk)))
    assert refused.value.errors[0].pointer == "/response_minutes"
    with pytest.raises(InvalidInput):
        on_own_loop(reference.set_sla_target(6, SlaTargetIn(response_minutes=10, resolution_minutes=20),
                                             FakeUnitOfWork(desk)))
    assert desk.sla_targets == {}
    on_own_loop(reference.set_sla_target(5, SlaTargetIn(response_minutes=1200, resolution_minutes=14400),
                                         FakeUnitOfWork(desk)))
    listed = on_own_loop(reference.list_sla_targets(FakeUnitOfWork(desk)))
    assert [(t.priority, t.response_minutes) for t in listed][4] == (5, 1200) and len(listed) == 5


def test_contacts_are_looked_up_by_name_or_a_run_of_their_phone_and_need_something_to_look_by():
    from domain.contacts import Contact
    from domain.settings import Settings

    desk = DeskState()
    desk.contacts[1] = Contact(id=1, name="Ana González", phone="+14155550134", email=None, language="es")
    desk.contacts[2] = Contact(id=2, name="Luis Peña", phone="+34610000001", email=None, language="es")
    settings = Settings(SEED_DEMO_DATA=False)

    def found(**asked) -> list[int]:
        return [c.id for c in on_own_loop(reference.find_contacts(asked.get("phone"), asked.get("email"), settings,
                                                                  FakeUnitOfWork(desk), asked.get("text")))]

    assert found(text="gonzalez") == found(text="GONZÁLEZ") == found(text="555 0134") == [1]
    assert found(text="pena") == found(text="0000") == [2]
    assert found(phone="+14155550134") == [1]
    with pytest.raises(InvalidInput) as refused:
        found()
    assert refused.value.errors[0].parameter == "phone"
