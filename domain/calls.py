"""Phone calls: which language to answer in, what a caller's keys and words mean, how numbers are spoken."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict
from urllib.parse import urlsplit

import phonenumbers

from domain.errors import RecordingRefused
from domain.tickets import number_from_digits

# Who the phone pipeline's own writes are by: opening a call's ticket, filling it from triage, its work notes.
VOICE_ACTOR = "atiende:voice"
CALL_SID_PATTERN = r"CA[0-9a-f]{32}"
RECORDING_SID_PATTERN = r"RE[0-9a-f]{32}"
# Twilio's speech recognizer and Polly voices, per locale we answer in.
LOCALES = ("es-MX", "es-ES", "es-US", "en-US", "en-GB")
POLLY_VOICES = {"es-MX": "Polly.Mia", "es-ES": "Polly.Lucia", "es-US": "Polly.Lupe",
                "en-US": "Polly.Joanna", "en-GB": "Polly.Amy"}
_SPANISH_SPEAKING = {"AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GQ", "GT", "HN", "MX", "NI", "PA",
                     "PE", "PR", "PY", "SV", "UY", "VE"}
_REGION_LOCALE = {"ES": "es-ES", "GB": "en-GB", "IE": "en-GB"}
_DIGIT_WORDS = {
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}
_HEARD_DIGITS = {word: str(i) for words in _DIGIT_WORDS.values() for i, word in enumerate(words)} | {"oh": "0"}
_REPORT_WORDS = {"reportar", "reporte", "problema", "nuevo", "nueva", "incidencia", "report", "problem", "new", "issue"}
_STATUS_WORDS = {"estado", "consultar", "consulta", "seguimiento", "status", "check", "ticket", "existing"}


class PipelineProgress(TypedDict, total=False):
    """What the call's pipeline tells the voice webhooks while it runs (the orchestration's custom status)."""

    step: str
    ticket: str | None
    joined: bool


@dataclass
class Call:
    sid: str
    from_phone: str
    locale: str
    started_at: datetime
    contact_id: int | None = None
    to_phone: str | None = None
    status: str = "in-progress"
    intent: str | None = None
    ended_at: datetime | None = None
    duration_seconds: int | None = None
    speech_text: str | None = None
    speech_confidence: float | None = None
    recording_sid: str | None = None
    recording_url: str | None = None
    recording_seconds: int | None = None
    recording_blob: str | None = None
    transcript: str | None = None
    transcript_provider: str | None = None
    transcript_confidence: float | None = None
    ticket_id: int | None = None
    ticket_number: str | None = None
    joined_existing: bool = False
    pipeline_step: str | None = None
    pipeline_status: str | None = None
    review_reason: str | None = None
    sms_body: str | None = None
    sms_sid: str | None = None
    sms_status: str | None = None
    # How the SMS telling the caller that the problem they joined is resolved fared (None: not sent yet).
    resolved_sms_status: str | None = None

    @property
    def language(self) -> str:
        return self.locale[:2]

    def best_text(self) -> str:
        """What the caller said, from the better of the two transcripts we may hold."""
        return self.heard()[0]

    def heard(self) -> tuple[str, str, float | None]:
        """What the caller said, from the better of the two transcripts we may hold, with where it came from
        (Twilio's live recognizer or the recording's provider) and how sure that was (None: not said)."""
        if transcript_is_better(self):
            return (self.transcript or "").strip(), self.transcript_provider or "recording", self.transcript_confidence
        return (self.speech_text or "").strip(), "twilio", self.speech_confidence


def transcript_is_better(call: Call) -> bool:
    """Whether the recording's transcript should replace Twilio's live one. A provider that reports no
    confidence counts as fairly sure, as cloud models are on clean speech; an empty one never wins."""
    if not (call.transcript or "").strip():
        return False
    if not (call.speech_text or "").strip():
        return True
    ours = call.transcript_confidence if call.transcript_confidence is not None else 0.85
    return ours > (call.speech_confidence or 0.0)


def check_recording_url(url: str, hosts: frozenset[str]) -> None:
    """Refuse, before anything is fetched, a recording URL that is not plain HTTP(S) on one of `hosts` (any
    port). A signed webhook is still only a claim about where the audio is: without this, whoever could make one
    name a URL would have the app fetch it. User info and backslashes are refused outright, because URL parsers
    disagree on which host such a URL names."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or "@" in parts.netloc or "\\" in url or host not in hosts:
        raise RecordingRefused(f"the recording URL's host {host or '(none)'} is not in RECORDING_HOSTS, so nothing "
                               "was downloaded")


def call_locale(contact_language: str | None, phone: str, default_locale: str) -> str:
    """The contact's language, else the one spoken where the number is from, else the default; in the accent
    of the number's country where we have one."""
    try:
        parsed = phonenumbers.parse(phone, None)
        assert parsed.country_code is not None  # parse() sets it on every number it returns
        # A number libphonenumber cannot place (an unassigned exchange, say) still names its country code.
        region = phonenumbers.region_code_for_number(parsed) or phonenumbers.region_code_for_country_code(
            parsed.country_code)
    except phonenumbers.NumberParseException:
        region = ""
    region = "" if region == "ZZ" else region
    language = contact_language or ("es" if region in _SPANISH_SPEAKING else "en" if region else default_locale[:2])
    regional = _REGION_LOCALE.get(region)
    if regional and regional.startswith(language):
        return regional
    if region == "US" and language == "es":
        return "es-US"
    if default_locale.startswith(language):
        return default_locale
    return "es-MX" if language == "es" else "en-US"


def menu_choice(digits: str | None, speech: str | None) -> str | None:
    """'report' or 'status' from the keypad (1, 2) or the caller's words, or 'join' (3) for the major incident the
    greeting named; None when none is clear."""
    if digits:
        return {"1": "report", "2": "status", "3": "join"}.get(digits.strip()[:1])
    words = set(_words(speech or ""))
    report, status = bool(words & _REPORT_WORDS), bool(words & _STATUS_WORDS)
    if report != status:
        return "report" if report else "status"
    return None


def heard_ticket_number(digits: str | None, speech: str | None) -> str | None:
    """A ticket number from keyed digits or spoken words ('cero cero uno...', '0010001', 'INC 001 0001')."""
    raw = digits or ""
    if not raw and speech:
        raw = "".join(_HEARD_DIGITS.get(word, word if word.isdigit() else "") for word in _words(speech))
    return number_from_digits("".join(ch for ch in raw if ch in "0123456789"))


def numbers_in_speech(text: str) -> list[str]:
    """Ticket numbers read out digit by digit in `text` (what `spoken_number` says), in order."""
    found, run = [], []
    for word in _words(text) + [""]:
        if word in _HEARD_DIGITS:
            run.append(_HEARD_DIGITS[word])
            continue
        if len(run) == 7:
            found.append("INC" + "".join(run))
        run = []
    return found


def spoken_number(number: str, language: str) -> str:
    """INC0010001 read digit by digit, in words, so every voice says each digit rather than a quantity."""
    words = _DIGIT_WORDS["es" if language == "es" else "en"]
    return ", ".join(words[int(ch)] for ch in number if ch.isdigit())


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.findall(r"[a-z0-9]+", plain)
