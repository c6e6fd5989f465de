"""The composition root: one `Services` per worker and event loop, holding the settings and every outside
service a door needs, and a unit of work for each use. A test or a tool builds its own with `build(...)`,
giving any part by keyword (as cosmicpython's bootstrap does); a door asks `services()` for the running
loop's."""
from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from domain.adapters.embeddings import AzureOpenAIEmbedder, CachedEmbedder, LocalMiniLM
from domain.adapters.learned import TriageModelStore
from domain.adapters.ratelimit import RateLimiter as RedisRateLimiter
from domain.adapters.vectors import RedisVectorIndex, connect_redis
from domain.analysis import Analyzer, RuleAnalyzer
from domain.ports import (
    Blobs,
    CachingEmbedder,
    ChatTriager,
    Embedder,
    Mailbox,
    Mailer,
    RateLimiter,
    Telephony,
    Transcriber,
    TriageModels,
    VectorIndex,
)
from domain.services.duplicates import DuplicateFinder, FullTextDuplicates, VectorDuplicates
from domain.settings import Settings, get_settings
from domain.store.migrations import migrate_once, migrated
from domain.store.pool import get_pool
from domain.store.uow import UnitOfWork
from domain.voice_script import PromptAudio

if TYPE_CHECKING:  # only named here: the clients themselves are made in domain/store and domain/adapters
    import redis.asyncio
    from psycopg_pool import AsyncConnectionPool

T = TypeVar("T")


def uow(config: Settings | None = None) -> UnitOfWork:
    """A unit of work over the database's pool for the event loop it runs on, brought up to date first."""
    config = config or get_settings()

    async def pool() -> AsyncConnectionPool:
        if not migrated(config.DATABASE_URL):
            await asyncio.to_thread(migrate_once, config.DATABASE_URL)  # once per worker, off the loop
        return await get_pool(config.DATABASE_URL, config.DATABASE_POOL_MAX_SIZE)

    return UnitOfWork(pool, config.DATABASE_URL)


# Each async client keeps a connection pool whose connections belong to the event loop they were opened on. A
# worker has one loop; a test or a command-line tool that runs a loop of its own gets services of its own.
_per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Services] = weakref.WeakKeyDictionary()
_outside_any_loop: list[Services] = []
_closing: set[asyncio.Task[None]] = set()  # held until done: the loop keeps only weak references to tasks


def services() -> Services:
    """The running event loop's services, built on first use from the settings (outside a loop: one set for
    code that is not on any), and again when the settings were read anew (a test that changed them)."""
    current = get_settings()
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        if not _outside_any_loop or _outside_any_loop[0].settings is not current:
            _outside_any_loop[:] = [build(current)]
        return _outside_any_loop[0]
    found = _per_loop.get(loop)
    if found is None or found.settings is not current:
        if found is not None:
            _closing.add(task := loop.create_task(found.close()))  # its clients' connections end with it
            task.add_done_callback(_closing.discard)
        found = _per_loop[loop] = build(current)
    return found


def forget() -> None:
    """Drop every loop's services, so the next `services()` builds them again (a tool that changed what the
    services reach, such as Redis's keys, behind their back)."""
    _per_loop.clear()
    _outside_any_loop.clear()


async def close_clients() -> None:
    """Close the running loop's clients, before it ends (a host's shutdown, a tool's exit)."""
    made = _per_loop.pop(asyncio.get_running_loop(), None)
    if made is not None:
        await made.close()


def build(settings: Settings | None = None, **given: Any) -> Services:
    """Services over `settings` (the environment's by default), with any part given by name instead."""
    unknown = set(given) - set(PARTS)
    if unknown:
        raise TypeError(f"Services has no part {', '.join(sorted(unknown))}")
    return Services(settings or get_settings(), MappingProxyType(dict(given)))


@dataclass(frozen=True)
class Services:
    """What the doors use. Each part is made on first use, not when the services are: the local model takes
    seconds to load, and a door that lists tickets never needs it."""

    settings: Settings
    given: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def uow(self) -> UnitOfWork:
        return uow(self.settings)

    def _given(self, name: str, make: Callable[[], T]) -> T:
        return cast(T, self.given[name]) if name in self.given else make()

    @cached_property
    def telephony(self) -> Telephony:
        from domain.adapters.telephony import TwilioTelephony

        return self._given("telephony", lambda: TwilioTelephony(self.settings))

    @cached_property
    def mailer(self) -> Mailer:
        from domain.adapters.mail import SmtpMailer

        return self._given("mailer", lambda: SmtpMailer(self.settings))

    @cached_property
    def mailbox(self) -> Mailbox:
        from domain.adapters.mail import ImapMailbox

        return self._given("mailbox", lambda: ImapMailbox(self.settings))

    @cached_property
    def blobs(self) -> Blobs:
        from domain.adapters.blobs import AzureBlobs

        return self._given("blobs", lambda: AzureBlobs(self.settings))

    @cached_property
    def transcriber(self) -> Transcriber | None:
        """The configured transcription provider; None when there is none (see TRANSCRIPTION_PROVIDER)."""
        return self._given("transcriber", self._make_transcriber)

    def _make_transcriber(self) -> Transcriber | None:
        from domain.adapters.speech import AzureOpenAITranscriber, ElevenLabsTranscriber

        config = self.settings
        choice = config.TRANSCRIPTION_PROVIDER
        if choice == "auto":
            choice = ("azure_openai" if config.AZURE_OPENAI_ENDPOINT
                      else "elevenlabs" if config.ELEVENLABS_API_KEY.get_secret_value() else "none")
        if choice == "azure_openai":
            return AzureOpenAITranscriber(config)
        if choice == "elevenlabs":
            return ElevenLabsTranscriber(config)
        return None

    @cached_property
    def offline_transcriber(self) -> Transcriber:
        return self._given("offline_transcriber", offline_model)

    @cached_property
    def prompt_audio(self) -> PromptAudio:
        return self._given("prompt_audio", self._make_prompt_audio)

    def _make_prompt_audio(self) -> PromptAudio:
        synthesizer = None
        if self.settings.ELEVENLABS_API_KEY.get_secret_value():
            from domain.adapters.speech import ElevenLabsSpeech

            synthesizer = ElevenLabsSpeech(self.settings)
        return PromptAudio(synthesizer, self.blobs if synthesizer else None, self.settings.PROMPTS_CONTAINER)

    @cached_property
    def analyzer(self) -> Analyzer:
        return self._given("analyzer", RuleAnalyzer)

    @cached_property
    def redis_client(self) -> redis.asyncio.Redis:
        return self._given("redis_client", self._make_redis)

    def _make_redis(self) -> redis.asyncio.Redis:
        return connect_redis(self.settings.REDIS_URL)

    @cached_property
    def embedder(self) -> CachingEmbedder:
        return self._given("embedder", self._make_embedder)

    def _make_embedder(self) -> CachingEmbedder:
        config = self.settings
        choice = config.EMBEDDING_PROVIDER
        if choice == "auto":
            choice = "azure_openai" if config.AZURE_OPENAI_ENDPOINT else "local"
        model: Embedder = AzureOpenAIEmbedder(config) if choice == "azure_openai" else local_model()
        return CachedEmbedder(model, self.redis_client, config.REDIS_NAMESPACE)

    @cached_property
    def vector_index(self) -> VectorIndex:
        return self._given("vector_index", lambda: RedisVectorIndex(
            self.redis_client, self.embedder.model, self.embedder.dimensions, self.settings.REDIS_NAMESPACE))

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        config = self.settings
        return self._given("rate_limiter", lambda: RedisRateLimiter(
            self.redis_client, config.REDIS_NAMESPACE, config.RATE_LIMIT_PER_MINUTE, config.RATE_LIMIT_BURST))

    @cached_property
    def triage_models(self) -> TriageModels:
        return self._given("triage_models", lambda: TriageModelStore(self.redis_client, self.settings.REDIS_NAMESPACE))

    @cached_property
    def triager(self) -> ChatTriager | None:
        """Azure OpenAI's chat model when its endpoint is set; None leaves triage to the desk's own vote."""
        return self._given("triager", self._make_triager)

    def _make_triager(self) -> ChatTriager | None:
        if not self.settings.AZURE_OPENAI_ENDPOINT:
            return None
        from domain.adapters.chat import AzureOpenAITriager

        return AzureOpenAITriager(self.settings)

    @cached_property
    def duplicate_finder(self) -> DuplicateFinder:
        config = self.settings
        return self._given("duplicate_finder", lambda: VectorDuplicates(
            self.embedder, self.vector_index, config.DUPLICATE_CALL_SCORE,
            timedelta(hours=config.DUPLICATE_WINDOW_HOURS),
            FullTextDuplicates(config.DUPLICATE_WINDOW_HOURS, config.DUPLICATE_MIN_OVERLAP),
            config.DUPLICATE_CROSS_LANGUAGE_SCORE))

    async def close(self) -> None:
        """Close the clients these services made (what was given belongs to whoever gave it)."""
        for name in PARTS:
            if name in self.given or name not in self.__dict__:
                continue
            close = getattr(self.__dict__[name], "aclose", None) or getattr(self.__dict__[name], "close", None)
            if close is not None and asyncio.iscoroutinefunction(close):
                await close()


PARTS = tuple(name for name, value in vars(Services).items() if isinstance(value, cached_property))


@lru_cache(maxsize=1)
def local_model() -> LocalMiniLM:
    """The local embedding model, loaded once per process (a few seconds, and its memory): it holds no
    connection, so every loop's services share it."""
    return LocalMiniLM()


@lru_cache(maxsize=1)
def offline_model() -> Transcriber:
    """pocketsphinx, loaded once per process, as the local embedding model is."""
    from domain.adapters.speech import PocketSphinxTranscriber

    return PocketSphinxTranscriber()
