"""Speech in and out: Azure OpenAI and ElevenLabs Scribe transcription, pocketsphinx offline, ElevenLabs voices."""
from __future__ import annotations

import asyncio
import math
import threading
from typing import Any

import httpx
import numpy as np

from domain.errors import DependencyUnavailable
from domain.ports import Transcript
from domain.settings import Settings

_ISO_639_3 = {"es": "spa", "en": "eng"}


def azure_openai_client(settings: Settings, timeout: float) -> Any:
    """The SDK's Azure client: the API key when one is set, else the app's managed identity (in Azure the
    account takes no keys). One retry in the SDK; callers own the longer waits."""
    from openai import AsyncAzureOpenAI

    key = settings.AZURE_OPENAI_API_KEY.get_secret_value()
    credentials: dict[str, Any] = {"api_key": key}
    if not key:
        from azure.identity.aio import DefaultAzureCredential, get_bearer_token_provider

        credentials = {"azure_ad_token_provider": get_bearer_token_provider(
            DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default")}
    return AsyncAzureOpenAI(azure_endpoint=settings.AZURE_OPENAI_ENDPOINT, api_version=settings.AZURE_OPENAI_API_VERSION,
                       max_retries=1, timeout=timeout, **credentials)


class AzureOpenAITranscriber:
    name = "azure_openai"

    def __init__(self, settings: Settings):
        self.deployment = settings.AZURE_OPENAI_TRANSCRIBE_DEPLOYMENT
        self._client = azure_openai_client(settings, timeout=120)

    async def transcribe(self, audio: bytes, language: str) -> Transcript:
        from openai import OpenAIError

        whisper = "whisper" in self.deployment
        try:
            result: Any = await self._client.audio.transcriptions.create(
                model=self.deployment, file=("call.wav", audio, "audio/wav"), language=language,
                **({"response_format": "verbose_json"} if whisper else {"response_format": "json", "include": ["logprobs"]}),
            )
        except OpenAIError as err:
            raise DependencyUnavailable("Azure OpenAI could not transcribe the recording.") from err
        if whisper:
            logprobs = [s.avg_logprob for s in (getattr(result, "segments", None) or [])]
        else:
            logprobs = [p.logprob for p in (getattr(result, "logprobs", None) or [])]
        return Transcript(result.text.strip(), self.name, _mean_probability(logprobs))

    async def close(self) -> None:
        await self._client.close()


class ElevenLabsTranscriber:
    name = "elevenlabs"

    def __init__(self, settings: Settings):
        from elevenlabs.client import AsyncElevenLabs

        self.model = settings.ELEVENLABS_STT_MODEL
        self._http = httpx.AsyncClient(timeout=120)
        self._client = AsyncElevenLabs(api_key=settings.ELEVENLABS_API_KEY.get_secret_value(),
                                  base_url=settings.ELEVENLABS_BASE_URL, httpx_client=self._http)

    async def transcribe(self, audio: bytes, language: str) -> Transcript:
        from elevenlabs.core import ApiError

        try:
            result: Any = await self._client.speech_to_text.convert(
                model_id=self.model, file=("call.wav", audio, "audio/wav"), language_code=_ISO_639_3.get(language)
            )
        except (ApiError, OSError, httpx.HTTPError) as err:
            raise DependencyUnavailable("ElevenLabs could not transcribe the recording.") from err
        words = [w.logprob for w in (getattr(result, "words", None) or []) if getattr(w, "type", "word") == "word"
                 and getattr(w, "logprob", None) is not None]
        confidence = _mean_probability(words)
        if confidence is None:
            confidence = getattr(result, "language_probability", None)
        return Transcript(result.text.strip(), self.name, confidence)

    async def close(self) -> None:
        await self._http.aclose()


class PocketSphinxTranscriber:
    """Offline and weak on phone audio (its only model is US English): used for a call with no transcript at all."""

    name = "pocketsphinx"
    # pocketsphinx gives no calibrated confidence; this keeps its guess below any real recognizer's.
    CONFIDENCE = 0.3

    def __init__(self) -> None:
        self._decoder: Any = None
        self._lock = threading.Lock()

    async def transcribe(self, audio: bytes, language: str) -> Transcript:
        """Decoded on a thread of its own, so the event loop keeps answering meanwhile."""
        return await asyncio.to_thread(self.transcribe_now, audio)

    def transcribe_now(self, audio: bytes) -> Transcript:
        from pocketsphinx import Decoder

        samples = pcm16_at_16k(audio)
        with self._lock:
            if self._decoder is None:
                self._decoder = Decoder(samprate=16000, loglevel="FATAL")
            decoder = self._decoder
            decoder.start_utt()
            decoder.process_raw(samples.tobytes(), full_utt=True)
            decoder.end_utt()
            hypothesis = decoder.hyp()
        text = hypothesis.hypstr.strip() if hypothesis else ""
        return Transcript(text, self.name, self.CONFIDENCE if text else 0.0)


class ElevenLabsSpeech:
    def __init__(self, settings: Settings):
        from elevenlabs.client import AsyncElevenLabs

        self.voice = settings.ELEVENLABS_VOICE_ID
        self.model = settings.ELEVENLABS_TTS_MODEL
        # Short: the caller is on the line, and Polly can say it instead.
        self._http = httpx.AsyncClient(timeout=10)
        self._client = AsyncElevenLabs(api_key=settings.ELEVENLABS_API_KEY.get_secret_value(),
                                  base_url=settings.ELEVENLABS_BASE_URL, httpx_client=self._http)

    async def synthesize(self, text: str, locale: str) -> bytes:
        from elevenlabs.core import ApiError

        try:
            chunks = self._client.text_to_speech.convert(self.voice, text=text, model_id=self.model,
                                                         output_format="mp3_22050_32", language_code=locale[:2])
            return b"".join([chunk async for chunk in chunks])
        except (ApiError, OSError, httpx.HTTPError) as err:
            raise DependencyUnavailable("ElevenLabs could not speak the prompt.") from err

    async def close(self) -> None:
        await self._http.aclose()


def pcm16_at_16k(wav: bytes) -> np.ndarray:
    """16-bit mono samples at 16 kHz from a WAV file in µ-law (as Twilio records calls) or 16-bit PCM."""
    fmt, rate, channels, data = _read_wav(wav)
    if fmt == 7:
        samples = _ULAW[np.frombuffer(data, dtype=np.uint8)]
    elif fmt == 1:
        samples = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.int16)
    else:
        raise DependencyUnavailable(f"Recordings in WAV format {fmt} cannot be transcribed offline.")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    if rate != 16000 and len(samples):
        positions = np.arange(0, len(samples), rate / 16000)
        samples = np.interp(positions, np.arange(len(samples)), samples).astype(np.int16)
    return samples


def _read_wav(wav: bytes) -> tuple[int, int, int, bytes]:
    # The standard library's wave module refuses µ-law, so the RIFF chunks are walked here.
    if len(wav) < 12 or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise DependencyUnavailable("The recording is not a WAV file.")
    pos, fmt, rate, channels, data = 12, None, 0, 1, None
    while pos + 8 <= len(wav):
        chunk, size = wav[pos:pos + 4], int.from_bytes(wav[pos + 4:pos + 8], "little")
        body = wav[pos + 8:pos + 8 + size]
        if chunk == b"fmt " and len(body) >= 16:
            fmt = int.from_bytes(body[0:2], "little")
            channels = int.from_bytes(body[2:4], "little") or 1
            rate = int.from_bytes(body[4:8], "little")
        elif chunk == b"data":
            data = body
        pos += 8 + size + (size & 1)
    if fmt is None or data is None or not rate:
        raise DependencyUnavailable("The recording is not a WAV file.")
    return fmt, rate, channels, data


def _ulaw_table() -> np.ndarray:
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign, exponent, mantissa = codes & 0x80, (codes >> 4) & 0x07, codes & 0x0F
    magnitude = ((mantissa << 3) + 0x84) << exponent
    return np.where(sign != 0, 0x84 - magnitude, magnitude - 0x84).astype(np.int16)


_ULAW = _ulaw_table()


def _mean_probability(logprobs: list[float]) -> float | None:
    if not logprobs:
        return None
    return round(math.exp(sum(logprobs) / len(logprobs)), 4)
