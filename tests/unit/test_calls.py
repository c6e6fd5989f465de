"""The rules of a phone call: its language, what the caller's keys and words mean, numbers read out."""
from datetime import UTC, datetime

import pytest

from domain.calls import (
    Call,
    call_locale,
    heard_ticket_number,
    menu_choice,
    numbers_in_speech,
    spoken_number,
    transcript_is_better,
)


@pytest.mark.parametrize("language, phone, default, expected", [
    (None, "+34612345678", "es-MX", "es-ES"),      # a Spanish number: Spanish, Spain's accent
    (None, "+5215512345678", "en-US", "es-MX"),    # a Mexican number, whatever the default
    (None, "+14155550134", "es-MX", "en-US"),      # a US number: English
    ("es", "+14155550134", "es-MX", "es-US"),      # a Spanish speaker in the US
    (None, "+442071234567", "es-MX", "en-GB"),     # British English
    ("en", "+34612345678", "es-MX", "en-US"),      # the contact's language beats the number's country
    (None, "anonymous", "es-MX", "es-MX"),         # nothing to go on: the default
    (None, "+12020123456", "es-MX", "en-US"),      # not a valid US number, but still +1
])
def test_a_call_is_answered_in_the_callers_language(language, phone, default, expected):
    assert call_locale(language, phone, default) == expected


@pytest.mark.parametrize("digits, speech, expected", [
    ("1", None, "report"), ("2", None, "status"), ("9", None, None),
    (None, "Quiero reportar un problema", "report"), (None, "I'd like to check the status", "status"),
    (None, "Consultar el estado", "status"), (None, "hmm", None), (None, "report the status", None),
])
def test_the_menu_reads_keys_and_words(digits, speech, expected):
    assert menu_choice(digits, speech) == expected


@pytest.mark.parametrize("digits, speech, expected", [
    ("0010042", None, "INC0010042"), ("10042", None, "INC0010042"),
    (None, "cero cero uno cero cero cuatro dos", "INC0010042"), (None, "INC 001 0042", "INC0010042"),
    (None, "one zero zero four two", "INC0010042"), (None, "no sé", None), ("12345678", None, "INC12345678"),
    ("1234567890123", None, None),
])
def test_a_ticket_number_is_heard_from_keys_or_words(digits, speech, expected):
    assert heard_ticket_number(digits, speech) == expected


def test_a_number_is_spoken_digit_by_digit_and_heard_back():
    spoken = spoken_number("INC0010042", "es")
    assert spoken == "cero, cero, uno, cero, cero, cuatro, dos"
    assert numbers_in_speech(f"Su incidencia es la {spoken}.") == ["INC0010042"]
    assert numbers_in_speech(f"Ticket {spoken_number('INC0012345', 'en')}, again") == ["INC0012345"]
    assert numbers_in_speech("uno dos tres") == []


def _call(**fields):
    return Call(sid="CA" + "0" * 32, from_phone="+34612345678", locale="es-ES", started_at=datetime.now(UTC), **fields)


def test_the_recordings_transcript_wins_only_when_it_is_surer():
    assert not transcript_is_better(_call(speech_text="hola", speech_confidence=0.9))
    assert transcript_is_better(_call(transcript="hola", transcript_confidence=0.1))  # nothing else was heard
    assert transcript_is_better(_call(speech_text="hola", speech_confidence=0.6, transcript="hola que tal",
                                      transcript_confidence=0.95))
    assert not transcript_is_better(_call(speech_text="hola", speech_confidence=0.95, transcript="hola",
                                          transcript_confidence=0.5))
    assert not transcript_is_better(_call(speech_text="hola", transcript="   "))
    assert _call(speech_text="hola", transcript="hola que tal", transcript_confidence=0.99).best_text() == "hola que tal"
