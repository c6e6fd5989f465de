"""The notes the desk writes on a ticket by itself, as sentences with a key and parameters: the web app renders
each in its reader's language, and the English here is what the API and the word search read.

A parameter named `field` is a ticket field's name, shown by its label; one ending in `_pct` is a fraction shown
as a percentage; the rest are shown as they are. Every key has a Spanish and an English template in
static_web/js/i18n.js (`note.<key>`); a unit test checks that they agree with this table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENGLISH: dict[str, str] = {
    "duplicate_of": "Duplicate of {number}: {short}",
    "call_opened_live": "Opened from call {sid} ({locale}), described in the live transcript.",
    "call_opened_recording": "Opened from call {sid} ({locale}), described in the recording ({provider}).",
    "call_unclear": "The transcript is below the confidence the desk trusts: the title and the SMS leave it out.",
    "call_summary": "Summary: {summary}",
    "untriaged": "Untriaged: triage was not sure enough to choose a group.",
    "suggested": "Suggested, below the desk's thresholds:",
    "suggested_item": "{field} {value} ({confidence_pct}).",
    "another_caller": "Another caller reports this problem (call {sid}): {said}",
    "outage_raised": "{count} callers report this problem: impact raised to {impact}, priority now {priority}.",
    "transcript_replaced": "Description replaced by the recording's transcript ({provider}, confidence "
                           "{confidence_pct}); the live transcript ({live_pct}) was: “{live}”",
    "needs_review": "Needs review: {reason} while turning call {sid} into this ticket.",
    "recording_kept": "The recording is kept ({blob}).",
    "rated": "The requester rated this ticket {rating}/5.",
    "rated_with_comment": "The requester rated this ticket {rating}/5, with a comment.",
    "flagged": "Flagged for a lead.",
    "attachments_refused": "Attachments not kept from the requester's e-mail: {files}",
    "caller_erased": "The caller's personal data (name, phone, e-mail, recordings, transcripts, messages, files) was"
                     " erased by {who}.",
    "recording_expired": "The recording and transcript of call {sid} were deleted after {days} days, as the"
                         " retention policy says.",
}


@dataclass(frozen=True)
class Sentence:
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        return ENGLISH[self.key].format_map({name: _english_value(name, value) for name, value in self.params.items()})


@dataclass(frozen=True)
class WorkNote:
    """A note of the desk's own: its sentences, kept as keys, and its English text."""
    sentences: tuple[Sentence, ...]

    @property
    def body(self) -> str:
        return " ".join(s.english() for s in self.sentences)

    @property
    def parts(self) -> list[dict[str, Any]]:
        return [{"key": s.key, "params": s.params} for s in self.sentences]


def note(*sentences: Sentence | None) -> WorkNote:
    """A note of these sentences, leaving out the Nones (the sentences a case does not have)."""
    return WorkNote(tuple(s for s in sentences if s is not None))


def sentence(key: str, **params: Any) -> Sentence:
    if key not in ENGLISH:
        raise KeyError(f"no work note sentence {key!r}")
    return Sentence(key, params)


def _english_value(name: str, value: Any) -> str:
    if name.endswith("_pct"):
        return "unknown" if value is None else f"{value:.0%}"
    if name == "field":
        return str(value).replace("_", " ")
    return "" if value is None else str(value)
