"""The composition root: settings, the database pool, a unit of work and the outside services, built once
per worker."""
from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from functools import lru_cache

import psycopg
import redis

from domain.adapters.embeddings import AzureOpenAIEmbedder, CachedEmbedder, LocalMiniLM
from domain.adapters.learned import TriageModelStore
from domain.adapters.ratelimit import RateLimiter
from domain.adapters.vectors import RedisVectorIndex
from domain.analysis import Analyzer, RuleAnalyzer
from domain.errors import DependencyUnavailable
from domain.ports import Blobs, ChatTriager, Telephony, Transcriber, TriageModels, VectorIndex
from domain.services.duplicates import DuplicateFinder, FullTextDuplicates, VectorDuplicates
from domain.settings import Settings, get_settings
from domain.store.migrations import migrate
from domain.store.pool import get_async_pool, get_pool
from domain.store.uow import AsyncUnitOfWork, UnitOfWork
from domain.voice_script import PromptAudio

_migrated: set[str] = set()
_lock = threading.Lock()


def settings() -> Settings:
    return get_settings()


def uow(config: Settings | None = None) -> UnitOfWork:
    config = config or get_settings()
    _migrate_once(config.DATABASE_URL)
    return UnitOfWork(get_pool(config.DATABASE_URL, config.DATABASE_POOL_MAX_SIZE))


async def async_uow(config: Settings | None = None) -> AsyncUnitOfWork:
    """A unit of work for a door on the event loop (see domain/store/statements.py)."""
    config = config or get_settings()
    if config.DATABASE_URL not in _migrated:
        await asyncio.to_thread(_migrate_once, config.DATABASE_URL)  # once per worker, off the loop
    return AsyncUnitOfWork(await get_async_pool(config.DATABASE_URL, config.DATABASE_POOL_MAX_SIZE))


def _migrate_once(database_url: str) -> None:
    # Azure Functions has no start-up hook, so each worker brings the schema up to date before its first
    # query; the migrations' advisory lock lets many workers do this at once safely.
    if database_url in _migrated:
        return
    with _lock:
        if database_url not in _migrated:
            try:
                migrate(database_url)
            except psycopg.OperationalError as err:
                raise DependencyUnavailable("The database is not reachable right now.") from err
            _migrated.add(database_url)


# The outside services, built once per worker: each SDK client keeps its own connection pool.

@lru_cache(maxsize=1)
def telephony() -> Telephony:
    from domain.adapters.telephony import TwilioTelephony

    return TwilioTelephony(get_settings())


@lru_cache(maxsize=1)
def blobs() -> Blobs:
    from domain.adapters.blobs import AzureBlobs

    return AzureBlobs(get_settings())


@lru_cache(maxsize=1)
def transcriber() -> Transcriber | None:
    """The configured transcription provider; None when there is none (see TRANSCRIPTION_PROVIDER)."""
    from domain.adapters.speech import AzureOpenAITranscriber, ElevenLabsTranscriber

    config = get_settings()
    choice = config.TRANSCRIPTION_PROVIDER
    if choice == "auto":
        choice = ("azure_openai" if config.AZURE_OPENAI_ENDPOINT
                  else "elevenlabs" if config.ELEVENLABS_API_KEY.get_secret_value() else "none")
    if choice == "azure_openai":
        return AzureOpenAITranscriber(config)
    if choice == "elevenlabs":
        return ElevenLabsTranscriber(config)
    return None


@lru_cache(maxsize=1)
def offline_transcriber() -> Transcriber:
    from domain.adapters.speech import PocketSphinxTranscriber

    return PocketSphinxTranscriber()


@lru_cache(maxsize=1)
def prompt_audio() -> PromptAudio:
    config = get_settings()
    synthesizer = None
    if config.ELEVENLABS_API_KEY.get_secret_value():
        from domain.adapters.speech import ElevenLabsSpeech

        synthesizer = ElevenLabsSpeech(config)
    return PromptAudio(synthesizer, blobs() if synthesizer else None, config.PROMPTS_CONTAINER)


def analyzer() -> Analyzer:
    return RuleAnalyzer()


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    # Short timeouts: a request that asks Redis must not hang on it, and the outbox catches up later.
    url = get_settings().REDIS_URL
    extra = {}
    if url.startswith("rediss://") and "@" not in url:
        from domain.adapters.vectors import EntraIdCredentials

        extra["credential_provider"] = EntraIdCredentials()
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1, **extra)


@lru_cache(maxsize=1)
def embedder() -> CachedEmbedder:
    config = get_settings()
    choice = config.EMBEDDING_PROVIDER
    if choice == "auto":
        choice = "azure_openai" if config.AZURE_OPENAI_ENDPOINT else "local"
    model = AzureOpenAIEmbedder(config) if choice == "azure_openai" else LocalMiniLM()
    return CachedEmbedder(model, redis_client(), config.REDIS_NAMESPACE)


@lru_cache(maxsize=1)
def vector_index() -> VectorIndex:
    model = embedder()
    return RedisVectorIndex(redis_client(), model.model, model.dimensions, get_settings().REDIS_NAMESPACE)


@lru_cache(maxsize=1)
def rate_limiter() -> RateLimiter:
    config = get_settings()
    return RateLimiter(redis_client(), config.REDIS_NAMESPACE, config.RATE_LIMIT_PER_MINUTE, config.RATE_LIMIT_BURST)


@lru_cache(maxsize=1)
def triage_models() -> TriageModels:
    return TriageModelStore(redis_client(), get_settings().REDIS_NAMESPACE)


@lru_cache(maxsize=1)
def triager() -> ChatTriager | None:
    """Azure OpenAI's chat model when its endpoint is set; None leaves triage to the desk's own vote."""
    config = get_settings()
    if not config.AZURE_OPENAI_ENDPOINT:
        return None
    from domain.adapters.chat import AzureOpenAITriager

    return AzureOpenAITriager(config)


def duplicate_finder() -> DuplicateFinder:
    config = get_settings()
    return VectorDuplicates(embedder(), vector_index(), config.DUPLICATE_CALL_SCORE,
                            timedelta(hours=config.DUPLICATE_WINDOW_HOURS),
                            FullTextDuplicates(config.DUPLICATE_WINDOW_HOURS, config.DUPLICATE_MIN_OVERLAP),
                            config.DUPLICATE_CROSS_LANGUAGE_SCORE)
