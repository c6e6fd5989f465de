import pytest
from pydantic import ValidationError

from domain.schemas.tickets import CommentIn, TicketCreate, TicketPatch, TicketQuery


def test_strings_are_not_coerced_to_numbers_nor_numbers_to_strings():
    with pytest.raises(ValidationError):
        TicketCreate.model_validate_json('{"short_description": "x", "impact": "1"}')
    with pytest.raises(ValidationError):
        TicketCreate.model_validate_json('{"short_description": 5}')


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError) as err:
        TicketCreate.model_validate_json('{"short_description": "x", "priority": 1}')
    assert err.value.errors()[0]["loc"] == ("priority",)


@pytest.mark.parametrize("text", ["", "   ", "a\x00b", "bell\x07", "x" * 161])
def test_short_descriptions_must_be_printable_non_blank_and_short(text):
    with pytest.raises(ValidationError):
        TicketCreate(short_description=text)


def test_tabs_and_newlines_are_fine_in_long_text():
    assert TicketCreate(short_description="x", description="line one\n\tline two\r\n").description.startswith("line")


def test_a_patch_knows_which_fields_were_sent_and_refuses_null_where_empty_is_impossible():
    patch = TicketPatch.model_validate_json('{"assigned_to": null}')
    assert patch.model_dump(exclude_unset=True) == {"assigned_to": None}
    for field in ("short_description", "state", "impact"):
        with pytest.raises(ValidationError):
            TicketPatch.model_validate_json(f'{{"{field}": null}}')


def test_the_patch_schema_has_no_defaults():
    properties = TicketPatch.model_json_schema()["properties"]
    assert not any("default" in p for p in properties.values())


def test_query_parameters_arrive_as_strings_and_are_converted():
    query = TicketQuery.model_validate({"priority": "2", "limit": "10"})
    assert (query.priority, query.limit, query.sort, query.view) == (2, 10, "-number", "all")


def test_comments_default_to_public_agent_comments():
    comment = CommentIn(body="hola")
    assert (comment.visibility, comment.from_caller) == ("public", False)
