"""The small protocols behind which each outside service sits; `domain/adapters` holds the real ones."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Transcript:
    text: str
    provider: str
    confidence: float | None


class Telephony(Protocol):
    def send_sms(self, to: str, body: str) -> str | None:
        """Send an SMS from our number; its sid, or None when no Twilio account is configured."""

    def download_recording(self, url: str) -> bytes:
        """A call recording as WAV."""


class Blobs(Protocol):
    def put(self, container: str, name: str, data: bytes, content_type: str) -> None: ...

    def get(self, container: str, name: str) -> bytes: ...

    def exists(self, container: str, name: str) -> bool: ...

    def delete(self, container: str, name: str) -> None:
        """Remove the blob; one already gone is no error."""

    def read_url(self, container: str, name: str, minutes: int) -> str:
        """A URL anyone holding it may read the blob from, for `minutes`."""


class Embedder(Protocol):
    model: str
    dimensions: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalized vector per text, as the rows of a matrix."""


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: bytes, language: str) -> Transcript: ...


class SpeechSynthesizer(Protocol):
    voice: str

    def synthesize(self, text: str, locale: str) -> bytes:
        """MP3 audio of `text` spoken in `locale`."""
