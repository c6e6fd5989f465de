"""The small protocols behind which each outside service sits, and the values they trade; `domain/adapters` holds
the real ones, and the services name only these."""
from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict

from domain.auth import Principal
from domain.classifier import NaiveBayes
from domain.triage import Calibration


@dataclass(frozen=True)
class Transcript:
    text: str
    provider: str
    confidence: float | None


class Telephony(Protocol):
    async def send_sms(self, to: str, body: str, status_callback: str | None = None) -> str | None:
        """Send an SMS from our number; its sid, or None when no Twilio account is configured. Twilio posts the
        message's delivery states to `status_callback` when one is given."""

    async def download_recording(self, url: str) -> bytes:
        """A call recording as WAV."""


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    text: str
    answers: str | None = None  # the Message-ID this one follows in the conversation


class Mailer(Protocol):
    async def send(self, mail: OutgoingMail) -> str:
        """Hand the message to the SMTP relay; its Message-ID once the relay accepted it, DependencyUnavailable
        when the relay is down or refused it for now, MessageRefused when it refused the address for good."""


class MailboxSession(Protocol):
    async def unseen(self, limit: int) -> list[str]:
        """The ids in the mailbox of up to `limit` messages not yet marked seen, oldest first."""

    async def fetch(self, uid: str, max_bytes: int) -> bytes | None:
        """A message's bytes, or None when it is larger than `max_bytes` (then it is not read); marks nothing."""

    async def mark_seen(self, uid: str) -> None: ...

    fallback_prefix: str  # what stands for a message without a Message-ID: unique to this mailbox


class Mailbox(Protocol):
    def session(self) -> AbstractAsyncContextManager[MailboxSession]:
        """The desk's mailbox, signed in, for the length of the `async with`."""


class RateLimiter(Protocol):
    async def take(self, who: Principal) -> None:
        """Spend one of the caller's requests, or raise TooManyRequests when none is left."""


@dataclass(frozen=True)
class BlobHead:
    size: int  # the whole blob's, in bytes
    data: bytes  # its first bytes


class Blobs(Protocol):
    async def put(self, container: str, name: str, data: bytes, content_type: str) -> None: ...

    async def get(self, container: str, name: str) -> bytes: ...

    async def exists(self, container: str, name: str) -> bool: ...

    async def delete(self, container: str, name: str) -> None:
        """Remove the blob; one already gone is no error."""

    async def read_url(self, container: str, name: str, minutes: int, download_as: str | None = None) -> str:
        """A URL anyone holding it may read the blob from, for `minutes`; with `download_as`, served as a download
        of that file name whatever its content."""

    async def write_url(self, container: str, name: str, minutes: int) -> str:
        """A URL anyone holding it may create the blob at (one PUT), for `minutes`: it cannot read or list."""

    async def head(self, container: str, name: str, length: int) -> BlobHead | None:
        """The blob's size and first `length` bytes; None when there is no such blob."""


class Embedder(Protocol):
    model: str
    dimensions: int

    async def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalized vector per text, as the rows of a matrix."""


class CachingEmbedder(Embedder, Protocol):
    """An embedder that keeps what it embedded: a text embedded once (as the web form's triage does while an agent
    types) has its vector without the model."""

    async def cached(self, texts: list[str]) -> np.ndarray | None:
        """The vectors of texts embedded before, without running the model; None when any of them is new."""


class Transcriber(Protocol):
    name: str

    async def transcribe(self, audio: bytes, language: str) -> Transcript: ...


class SpeechSynthesizer(Protocol):
    voice: str

    async def synthesize(self, text: str, locale: str) -> bytes:
        """MP3 audio of `text` spoken in `locale`."""


@dataclass(frozen=True)
class Document:
    kind: str  # "ticket" or "article"
    key: str  # the ticket's number, the article's id
    vector: np.ndarray
    tags: dict[str, str]


@dataclass(frozen=True)
class Hit:
    kind: str
    key: str
    score: float  # cosine similarity, 1 is the same direction
    tags: dict[str, str]


class VectorIndex(Protocol):
    """Tickets' and articles' vectors, searched for the nearest to a query's."""

    model: str
    dimensions: int

    async def mode(self) -> str:
        """'search' (a k-nearest index answers) or 'exact' (every vector is compared)."""

    async def check(self) -> None:
        """Raise IndexOutOfDate when the index holds another model's vectors; create it when there is none."""

    async def needs_filling(self) -> bool:
        """Whether the index started empty and the system of record's tickets are still to be queued."""

    async def filled(self) -> None: ...

    async def reindexed_through(self) -> int:
        """The last ticket id a resumable reindex finished, 0 when none is under way."""

    async def mark_reindexed_through(self, ticket_id: int) -> None: ...

    async def reset(self) -> None:
        """Drop every vector and start an empty index for this model."""

    async def upsert(self, documents: Iterable[Document]) -> int: ...

    async def vector_of(self, kind: str, key: str) -> np.ndarray | None: ...

    async def vectors_of(self, kind: str, keys: list[str]) -> dict[str, np.ndarray]: ...

    async def delete(self, kind: str, key: str) -> None: ...

    async def count(self) -> int: ...

    async def nearest(self, vector: np.ndarray, k: int, kind: str | None = None, states: Iterable[str] | None = None,
                exclude: str | None = None) -> list[Hit]:
        """The `k` closest documents, best first, among those of `kind` in `states`, leaving out `exclude`."""


@dataclass(frozen=True)
class LearnedModels:
    fields: dict[str, NaiveBayes]
    tickets: int  # how many labelled tickets they learned from
    trained_at: str  # ISO 8601
    calibration: Calibration = Calibration()


class TriageModels(Protocol):
    """Where the desk's trained classifier and its calibration are kept, and whether tickets changed since."""

    async def save(self, fields: dict[str, NaiveBayes], tickets: int, trained_at: str,
             calibration: Calibration | None = None) -> None: ...

    async def about(self) -> dict[str, Any] | None:
        """What the stored models learned from, without loading them; None before the first training."""

    async def load(self) -> LearnedModels | None: ...

    async def mark_changed(self) -> None: ...

    async def changed(self) -> bool: ...

    async def take_changed(self) -> bool:
        """Whether tickets changed since the last training, clearing the mark."""


class ChatTriage(BaseModel):
    """A chat model's answer about a new ticket's fields."""

    model_config = ConfigDict(extra="forbid")

    category: str | None
    subcategory: str | None
    assignment_group: str | None
    impact: Literal[1, 2, 3]
    urgency: Literal[1, 2, 3]
    confidence: float
    summary: str


class ChatTriager(Protocol):
    async def suggest(self, text: str, examples: list[dict[str, Any]], allowed: dict[str, Any]) -> ChatTriage:
        """The chat model's answer, choosing labels only among `allowed`, with `examples` as the desk's own."""
