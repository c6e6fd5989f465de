"""The root of every error Atiende raises on purpose, and the common kinds of it."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    """One invalid input, located by a JSON pointer into the body, or by a query parameter or header."""

    detail: str
    pointer: str | None = None
    parameter: str | None = None
    header: str | None = None
    # What is wrong, for a client to say in its own words and language: pydantic's error type for malformed
    # input ("missing", "string_too_short", ...), or one of the domain's ("required", "unknown", "not_allowed").
    code: str | None = None


@dataclass
class AtiendeError(Exception):
    detail: str
    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return self.detail


class InvalidInput(AtiendeError):
    """The request is well formed but a value breaks a rule (unknown category, missing close notes)."""


class RecordingRefused(InvalidInput):
    """A webhook named a recording URL on a host outside RECORDING_HOSTS; nothing was fetched from it."""


class NotFound(AtiendeError):
    pass


class TransitionNotAllowed(AtiendeError):
    """The ticket's state machine forbids the move, or the ticket is final."""


class Conflict(AtiendeError):
    """The request clashes with what is stored (a name taken, an idempotency key reused differently)."""


class StaleVersion(AtiendeError):
    """The client's If-Match names an older version than the stored one."""


class SavedMeanwhile(StaleVersion):
    """Someone else saved the row between this request's reading it and saving it."""


class Expired(AtiendeError):
    """What the request names existed but ran out (an upload link past its time)."""


class PreconditionRequired(AtiendeError):
    pass


class NotAuthenticated(AtiendeError):
    pass


class Forbidden(AtiendeError):
    pass


class PayloadTooLarge(AtiendeError):
    pass


class MalformedRequest(AtiendeError):
    """The request cannot be read at all: broken JSON, a header in the wrong form."""


class UnsupportedMediaType(AtiendeError):
    pass


class DependencyUnavailable(AtiendeError):
    """A service behind Atiende (PostgreSQL, Redis, ...) could not be reached."""


@dataclass
class TooManyRequests(AtiendeError):
    """The caller has used up its requests for now; `retry_after` seconds from now it may send again."""

    retry_after: int = 1


class MessageRefused(DependencyUnavailable):
    """Twilio or the mail relay refused a message for good (a number or address that cannot receive it): sending
    it again is no use."""
