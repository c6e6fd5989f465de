import pytest

from domain.contacts import to_e164
from domain.errors import InvalidInput


@pytest.mark.parametrize(("raw", "region", "expected"), [
    ("+34 612 345 678", "US", "+34612345678"),
    ("(202) 555-0134", "US", "+12025550134"),
    ("612 34 56 78", "ES", "+34612345678"),
    ("55 1234 5678", "MX", "+525512345678"),
])
def test_numbers_become_e164(raw, region, expected):
    assert to_e164(raw, region) == expected


@pytest.mark.parametrize("raw", ["hello", "+1", "12", "+99999999999999999999"])
def test_impossible_numbers_name_the_field(raw):
    with pytest.raises(InvalidInput) as err:
        to_e164(raw, "US")
    assert err.value.errors[0].pointer == "/caller/phone"


def test_a_query_parameter_is_named_as_one():
    with pytest.raises(InvalidInput) as err:
        to_e164("nope", "US", pointer=None, parameter="caller_phone")
    assert (err.value.errors[0].pointer, err.value.errors[0].parameter) == (None, "caller_phone")
