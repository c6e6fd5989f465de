"""The web app speaks one language at a time: every string it has in English it has in Spanish, with the same
placeholders, and every sentence the desk writes into a work note has both."""
import re
from pathlib import Path

from domain.contacts import same_name
from domain.work_notes import ENGLISH, note, sentence

I18N = Path(__file__).resolve().parents[2] / "static_web" / "js" / "i18n.js"
# Words that read the same in both languages.
SAME_IN_BOTH = {"SLA", "API", "SMS", "Web", "Ticket", "Atiende", "MRR: Atiende"}


def strings() -> dict[str, dict[str, str]]:
    source = I18N.read_text(encoding="utf-8")
    blocks = {}
    for language in ("en", "es"):
        start = source.index(f"\n  {language}: {{")
        end = source.index("\n  },", start)
        pairs = re.findall(r"'([\w.\-]+)':\s*(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\")", source[start:end])
        blocks[language] = {key: single or double for key, single, double in pairs}
    return blocks


def test_every_english_string_has_a_spanish_one_with_the_same_placeholders():
    found = strings()
    assert set(found["en"]) == set(found["es"]), set(found["en"]) ^ set(found["es"])
    for key, english in found["en"].items():
        spanish = found["es"][key]
        assert sorted(re.findall(r"\{\{?[\w.]+\}\}?", english)) == sorted(re.findall(r"\{\{?[\w.]+\}\}?", spanish)), key


def test_no_spanish_string_is_left_in_english():
    found = strings()
    left = [key for key, english in found["en"].items()
            if found["es"][key] == english and len(english) > 3 and english not in SAME_IN_BOTH
            and not re.fullmatch(r"[\W\d{}a-z_.]*", english)]
    assert left == []


def test_every_sentence_the_desk_writes_has_both_languages_and_the_same_parameters():
    found = strings()
    for key, english in ENGLISH.items():
        web = found["en"].get(f"note.{key}")
        assert web is not None and f"note.{key}" in found["es"], key
        assert set(re.findall(r"\{(\w+)\}", english)) == set(re.findall(r"\{(\w+)\}", found["es"][f"note.{key}"])), key


def test_a_note_keeps_its_sentences_as_keys_and_its_english_for_the_api():
    written = note(sentence("outage_raised", count=3, impact=1, priority=1), None,
                   sentence("suggested_item", field="assignment_group", value="Red", confidence_pct=0.625))
    assert written.parts == [{"key": "outage_raised", "params": {"count": 3, "impact": 1, "priority": 1}},
                             {"key": "suggested_item", "params": {"field": "assignment_group", "value": "Red",
                                                                  "confidence_pct": 0.625}}]
    assert written.body == ("3 callers report this problem: impact raised to 1, priority now 1. "
                            "assignment group Red (62%).")


def test_one_person_however_their_name_is_typed():
    assert same_name("  john   CARTER ", "John Carter")
    assert same_name("Lucía Pérez", "lucia perez")
    assert not same_name("Jane Carter", "John Carter")
    assert not same_name("Luis", None)
