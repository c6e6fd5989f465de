"""Reading what is typed into a search box: compounds joined, and the runs of digits of a number or a phone."""
from __future__ import annotations

import pytest

from domain.search_terms import digits_query, joined_compounds, number_run, phone_run, prefix_query


@pytest.mark.parametrize(("typed", "joined"), [
    ("Wi-Fi", "WiFi"), ("la wi-fi-6 va lenta", "la wifi6 va lenta"), ("e-mail", "email"),
    ("café-bar", "cafébar"), ("-wifi", "-wifi"), ("printer -jam", "printer -jam"), ("a - b", "a - b"),
    ("foo--bar", "foo--bar"), ("555-0134", "5550134"), ("wifi", "wifi"), ("", ""),
])
def test_compounds_are_joined_as_the_index_joins_them_and_a_leading_minus_keeps_its_meaning(typed, joined):
    assert joined_compounds(typed) == joined


@pytest.mark.parametrize(("typed", "digits"), [
    ("0019", "0019"), ("19", "19"), (" 10019 ", "10019"), ("INC0010019", "0010019"), ("inc19", "19"),
    ("INC 0019", "0019"), ("1", None), ("INC", None), ("19a", None), ("+19", None), ("555 0134", None),
    ("9" * 20, "9" * 20), ("9" * 21, None), ("١٩", None), ("", None),
])
def test_a_number_run_is_two_digits_or_more_with_or_without_inc(typed, digits):
    assert number_run(typed) == digits


@pytest.mark.parametrize(("typed", "digits"), [
    ("+1 (415) 555-0134", "14155550134"), ("555 0134", "5550134"), ("0134", "0134"), ("5550134", "5550134"),
    ("+14155550134", "14155550134"), ("415.555.0134", "4155550134"), ("134", None), ("+()-. ", None),
    ("0134 ana", None), ("INC0010019", None), ("1" * 21, None), ("٠١٣٤", None),
])
def test_a_phone_run_is_four_digits_or_more_written_as_phones_are(typed, digits):
    assert phone_run(typed) == digits


def test_queries_are_lexemes_never_syntax():
    assert prefix_query("Wifi lent") == "'wifi':* & 'lent':*"
    assert prefix_query("' & | ! :*") == "'nothing_to_find'"
    assert prefix_query("González") == "'gonzález':*"  # the configuration takes the accent off
    assert digits_query("0019") == "'0019':*"
