from domain.contacts import Contact
from domain.erasure import REDACTED, Traces

MARTA = Contact(id=1, name="Marta  Gil de la Vega", phone="+5215512345678", email="Marta@Example.com")


def test_a_callers_number_in_every_spelling_their_name_and_email_are_taken_out():
    traces = Traces.of(MARTA)
    note = "Another caller reports this problem (+525512345678); Marta Gil de la Vega, marta@example.com, +5215512345678"
    assert traces.scrub(note) == f"Another caller reports this problem ({REDACTED}); {REDACTED}, {REDACTED}, {REDACTED}"


def test_name_parts_go_as_whole_words_only():
    traces = Traces.of(MARTA)
    assert traces.scrub("Hola MARTA, el gil... vigilar la vega") == f"Hola {REDACTED}, el {REDACTED}... vigilar la {REDACTED}"
    assert "de" not in traces.words and "la" not in traces.words  # too short to be only a name


def test_json_strings_are_scrubbed_and_the_shape_kept():
    traces = Traces.of(MARTA)
    kept = {"caller": {"name": "Marta Gil de la Vega", "phone": "+5215512345678", "id": 7}, "tags": ["Marta"]}
    assert traces.scrub_json(kept) == {"caller": {"name": REDACTED, "phone": REDACTED, "id": 7}, "tags": [REDACTED]}


def test_an_erased_contact_leaves_nothing_to_look_for():
    traces = Traces.of(Contact(id=2))
    assert not traces and traces.scrub("nothing changes") == "nothing changes"


def test_like_patterns_escape_what_like_reads_as_wildcards():
    assert "%a\\_b@x.com%" in Traces.of(Contact(id=3, email="a_b@x.com")).like_patterns
