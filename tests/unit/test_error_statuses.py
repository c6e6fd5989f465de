"""Each kind of error Atiende raises answers with the status of its own kind or of the nearest kind it extends."""
import domain.errors as errors
from blueprints._http import STATUS_FOR, status_for


def every_kind(kind: type) -> list[type]:
    return [kind] + [k for sub in kind.__subclasses__() for k in every_kind(sub)]


def test_a_kind_of_error_answers_with_the_status_of_the_nearest_kind_that_has_one():
    # A save overtaken by another after its If-Match was checked is a stale version too: 412, not the fallback.
    assert status_for(errors.SavedMeanwhile("changed meanwhile")) == 412
    assert status_for(errors.StaleVersion("older")) == 412


def test_every_kind_of_error_the_domain_declares_has_a_status_of_its_own_or_inherited():
    declared = [k for k in every_kind(errors.AtiendeError) if k.__module__ == errors.__name__ and k is not errors.AtiendeError]
    unmapped = [k.__name__ for k in declared if not any(base in STATUS_FOR for base in k.__mro__)]
    assert declared and unmapped == []
