"""Canned replies' placeholders: refused when unknown or unclosed, filled in one pass, a fallback when empty."""
import pytest

from domain.canned import PLACEHOLDERS, check_template, render
from domain.errors import InvalidInput


def test_a_template_naming_known_placeholders_passes():
    check_template("Hola {{caller.name}}, su incidencia {{ ticket.number }} está {{ticket.state}}.", "/body")
    check_template("No placeholders at all, { single braces } too.", "/body")


def test_an_unknown_placeholder_is_refused_at_its_field():
    with pytest.raises(InvalidInput) as refused:
        check_template("Dear {{caler.name}} and {{ticket.secret}}", "/body")
    [error] = refused.value.errors
    assert error.pointer == "/body" and error.code == "unknown_placeholder"
    assert "caler.name" in error.detail and "ticket.secret" in error.detail


@pytest.mark.parametrize("text", ["Hola {{caller.name", "Hola caller.name}}", "{{ caller.name }", "{{}} x {{"])
def test_braces_that_do_not_pair_around_a_name_are_refused(text):
    with pytest.raises(InvalidInput) as refused:
        check_template(text, "/body")
    assert {e.code for e in refused.value.errors} & {"unclosed_placeholder", "unknown_placeholder"}


def test_rendering_fills_each_placeholder_and_names_the_missing():
    values = {"caller.name": "Marta", "ticket.number": "INC0010001", "agent.name": "", "ticket.state": "En curso"}
    filled = render("Hola {{caller.name}}: {{ticket.number}} ({{ ticket.state }}). {{agent.name}}", values, "es")
    assert filled.text == "Hola Marta: INC0010001 (En curso). "
    assert filled.missing == ("agent.name",)


def test_a_missing_caller_name_becomes_a_word_in_the_replys_language():
    assert render("Hola {{caller.name}},", {"caller.name": None}, "es").text == "Hola cliente,"
    assert render("Dear {{caller.name}},", {}, "en").text == "Dear customer,"
    assert render("{{ticket.assignment_group}}", {"ticket.assignment_group": " "}, "en").text == "the service desk"


def test_a_value_that_looks_like_a_placeholder_is_not_filled_again_and_stays_text():
    values = {"ticket.short_description": "{{agent.name}} <script>alert(1)</script>", "agent.name": "Ana"}
    filled = render("Re: {{ticket.short_description}}", values, "en")
    assert filled.text == "Re: {{agent.name}} <script>alert(1)</script>" and filled.missing == ()


def test_every_placeholder_has_a_fallback_in_both_languages():
    assert all(set(words) == {"es", "en"} for words in PLACEHOLDERS.values())
