import pytest

from domain.contacts import WITHHELD, caller_phone_key, can_text, is_withheld, phone_forms, phone_key, to_e164
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


@pytest.mark.parametrize("raw", [None, "", " ", "anonymous", "Anonymous", "RESTRICTED", "unknown", "private",
                                 "unavailable", "+266696687", "+7378378742833", "+7378742833", "+86282452253",
                                 "+8656696", WITHHELD])
def test_withheld_caller_ids_are_recognised_in_words_and_keypad_digits(raw):
    assert is_withheld(raw)
    assert not can_text(raw)
    assert phone_key(raw) == "" and phone_forms(raw) == []


@pytest.mark.parametrize("raw", ["+5215512345678", "+525512345678", "+34612345678", "+12025550134", "sip:desk@example.com"])
def test_real_numbers_are_not_withheld(raw):
    assert not is_withheld(raw)


def test_a_mexican_mobile_in_the_old_form_is_the_same_caller_and_can_be_texted():
    assert phone_key("+5215512345678") == phone_key("+525512345678") == phone_key("+52 1 55 1234 5678") == "+525512345678"
    assert can_text("+5215512345678") and can_text("+525512345678")
    assert phone_forms("+5215512345678") == phone_forms("+525512345678") == ["+5215512345678", "+525512345678"]


def test_other_numbers_keep_their_own_key():
    assert phone_key("+34612345678") == "+34612345678"
    assert phone_key("+1 202 555 0134") == "+12025550134"
    assert phone_key("+521234") == "+521234"  # too short to be a +52 1 mobile: left alone
    assert phone_key("sip:desk@example.com") == "sip:desk@example.com"
    assert phone_forms("+34612345678") == ["+34612345678"]


@pytest.mark.parametrize("raw", ["34612345678", "+34 612 345 678", "+1", "+12345", "+1234567890123456", "sip:x@y", "erased"])
def test_only_international_digit_strings_can_be_texted(raw):
    assert not can_text(raw)


@pytest.mark.parametrize(("raw", "region", "key"), [
    ("+5215512345678", "ES", "+525512345678"),
    ("+52 1 55 1234 5678", "ES", "+525512345678"),
    ("55 1234 5678", "MX", "+525512345678"),
    ("612 34 56 78", "ES", "+34612345678"),
])
def test_a_typed_filter_matches_by_key(raw, region, key):
    assert caller_phone_key(raw, region, parameter="caller_phone") == key


@pytest.mark.parametrize("raw", ["not a phone", "anonymous", "+266696687", "+1", "+99999999999999999999"])
def test_a_typed_filter_that_is_no_number_names_its_parameter(raw):
    with pytest.raises(InvalidInput) as err:
        caller_phone_key(raw, "US", parameter="caller_phone")
    assert err.value.errors[0].parameter == "caller_phone"
