"""The one settings object: every setting Atiende reads, with local defaults."""
from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    DATABASE_URL: str = "postgresql://postgres@127.0.0.1:5432/atiende"
    DATABASE_POOL_MAX_SIZE: int = Field(default=8, ge=1, le=100)
    PUBLIC_BASE_URL: str = "http://localhost:7071"
    DEFAULT_PHONE_REGION: str = Field(default="US", pattern=r"^[A-Z]{2}$")
    AUTO_CLOSE_DAYS: int = Field(default=7, ge=1, le=365)
    MAX_BODY_BYTES: int = Field(default=1_048_576, ge=1024)
    SEED_DEMO_DATA: bool = True
    # Read by host.json, not by Python; declared so that every setting lives in one place. In Azure the hub lives
    # on the Durable Task Scheduler this connection string names (its endpoint, and the app's managed identity);
    # devhost runs orchestrations itself, on PostgreSQL, and reads neither. See docs/architecture.md.
    DURABLE_TASK_HUB: str = "atiende"
    DURABLE_TASK_SCHEDULER_CONNECTION_STRING: str = ""

    # Blob Storage: a connection string (Azurite locally), or in Azure the account's blob endpoint reached
    # with the app's managed identity (AzureWebJobsStorage__blobServiceUri).
    AzureWebJobsStorage: str = "UseDevelopmentStorage=true"
    AzureWebJobsStorage__blobServiceUri: str = ""
    RECORDINGS_CONTAINER: str = "recordings"
    PROMPTS_CONTAINER: str = "prompt-audio"

    # Twilio: the auth token signs every webhook; without it every webhook is refused. The account SID
    # and token also authenticate the Messages API and recording downloads.
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: SecretStr = SecretStr("")
    TWILIO_PHONE_NUMBER: str = ""
    # Where the REST API lives; only a test points it elsewhere.
    TWILIO_API_BASE_URL: str = "https://api.twilio.com"
    # The only hosts a call recording is downloaded from, comma-separated: Twilio's API in each of its regions,
    # where every RecordingUrl points. A webhook naming any other host gets nothing fetched and the call goes
    # for review. devhost adds its call simulator's host, 127.0.0.1, when it serves.
    RECORDING_HOSTS: str = "api.twilio.com,api.dublin.ie1.twilio.com,api.sydney.au1.twilio.com"
    DEFAULT_CALL_LOCALE: str = Field(default="es-MX", pattern=r"^(es|en)-[A-Z]{2}$")
    # How long a call's pipeline waits for Twilio's recording callback before finishing without it.
    RECORDING_WAIT_MINUTES: int = Field(default=30, ge=1, le=24 * 60)
    # An open ticket opened this recently whose words cover this share of the new call's is the same problem.
    DUPLICATE_WINDOW_HOURS: int = Field(default=48, ge=1, le=24 * 30)
    DUPLICATE_MIN_OVERLAP: float = Field(default=0.6, gt=0, le=1)

    # Azure OpenAI: transcription (and, later, analysis and embeddings) when an endpoint is set.
    AZURE_OPENAI_ENDPOINT: str = ""
    AZURE_OPENAI_API_KEY: SecretStr = SecretStr("")
    AZURE_OPENAI_API_VERSION: str = "2025-04-01-preview"
    AZURE_OPENAI_TRANSCRIBE_DEPLOYMENT: str = "transcription"
    # ElevenLabs: prompts spoken with its voices, and Scribe transcription, when a key is set.
    ELEVENLABS_API_KEY: SecretStr = SecretStr("")
    ELEVENLABS_BASE_URL: str = "https://api.elevenlabs.io"
    ELEVENLABS_VOICE_ID: str = "21m00Tcm4TlvDq8ikWAM"
    ELEVENLABS_TTS_MODEL: str = "eleven_flash_v2_5"
    ELEVENLABS_STT_MODEL: str = "scribe_v1"
    # Embeddings and the vector index in Redis (with the search module when it has one; exact search without).
    REDIS_URL: str = "redis://127.0.0.1:6380/0"
    # Keys start with this: RediSearch indexes database 0 only, so deployments sharing a Redis differ by it.
    REDIS_NAMESPACE: str = Field(default="atiende", pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$")
    # Open tickets at least this similar to a new one are offered as duplicates; a call this similar joins one.
    DUPLICATE_CANDIDATE_SCORE: float = Field(default=0.6, gt=0, le=1)
    DUPLICATE_CALL_SCORE: float = Field(default=0.85, gt=0, le=1)
    # Calls' recordings and transcripts are deleted this many days after the call (0 keeps them); tickets keep
    # a note that they existed.
    RECORDING_RETENTION_DAYS: int = Field(default=0, ge=0, le=36500)
    # Requests per minute for each API key and each signed-in user, with this many at once; 0 turns limits off.
    # Twilio's webhooks and anonymous routes are never limited.
    RATE_LIMIT_PER_MINUTE: int = Field(default=600, ge=0, le=1_000_000)
    RATE_LIMIT_BURST: int = Field(default=120, ge=1, le=100_000)
    # Triage's classifier learns from this many of the most recent labelled tickets, retrained at most this
    # often while tickets change (each training reads and counts them all: seconds of CPU at 20,000).
    TRIAGE_TRAINING_TICKETS: int = Field(default=20000, ge=100, le=1_000_000)
    TRIAGE_TRAINING_INTERVAL_SECONDS: int = Field(default=600, ge=0, le=86400)
    # ...and at once when the labelled tickets grow by this share of what it learned from (an import, a new desk).
    TRIAGE_RETRAIN_GROWTH: float = Field(default=0.25, gt=0, le=10)
    # A suggestion fills a field without an agent only above the confidence at which, on the desk's own
    # held-out tickets, suggestions were right at least this often; below it, it goes into a work note.
    TRIAGE_FILL_PRECISION: float = Field(default=0.9, gt=0.5, le=1)
    # A call's transcript less sure than this never becomes a ticket's title or an SMS: the call goes for review.
    TRANSCRIPT_MIN_CONFIDENCE: float = Field(default=0.5, ge=0, le=1)
    # Distinct callers on one open ticket that raise its impact to medium (2) and to high (1); from the first,
    # the ticket is a major incident, named in the phone greeting and joinable with one key.
    OUTAGE_MEDIUM_IMPACT_CALLERS: int = Field(default=3, ge=2, le=10_000)
    OUTAGE_HIGH_IMPACT_CALLERS: int = Field(default=10, ge=2, le=10_000)
    # Calls in different languages are the same problem when their vectors are at least this close and triage
    # confidently gives both the same category, subcategory and group (a local model reads across languages
    # poorly; a multilingual one, as Azure OpenAI's, already clears DUPLICATE_CALL_SCORE).
    DUPLICATE_CROSS_LANGUAGE_SCORE: float = Field(default=0.3, gt=0, le=1)
    # auto: Azure OpenAI when its endpoint is set, else the local MiniLM model.
    EMBEDDING_PROVIDER: str = Field(default="auto", pattern=r"^(auto|local|azure_openai)$")
    AZURE_OPENAI_EMBEDDING_DEPLOYMENT: str = "embeddings"
    # The chat model that suggests a new ticket's fields when Azure OpenAI is configured (else the desk's vote).
    AZURE_OPENAI_CHAT_DEPLOYMENT: str = "chat"
    # Azure's model takes any size up to 1536; the local model gives 384. A change means a reindex.
    EMBEDDING_DIMENSIONS: int = Field(default=384, ge=32, le=3072)
    # auto: Azure OpenAI when configured, else ElevenLabs Scribe when configured, else none (pocketsphinx
    # still transcribes a call that has no transcript at all).
    TRANSCRIPTION_PROVIDER: str = Field(default="auto", pattern=r"^(auto|azure_openai|elevenlabs|none)$")

    # The requester hears back (docs/architecture.md, "The requester's side"). A ticket's events wait until
    # nothing new came for NOTIFY_QUIET_SECONDS (a burst of comments is one message), or NOTIFY_MAX_WAIT_SECONDS.
    NOTIFY_QUIET_SECONDS: int = Field(default=60, ge=0, le=3600)
    NOTIFY_MAX_WAIT_SECONDS: int = Field(default=300, ge=0, le=86400)
    # A message that fails is tried again after 1, 2, 4... minutes, this many times in all (8: about four hours).
    NOTIFY_MAX_ATTEMPTS: int = Field(default=8, ge=1, le=20)
    # Non-urgent messages (priority 3-5) wait out the requester's night: HH:MM-HH:MM in their time zone, else
    # the desk's; empty for none.
    QUIET_HOURS: str = Field(default="21:00-08:00",
                             pattern=r"^(\s*([01]?\d|2[0-3])(:[0-5]\d)?\s*-\s*([01]?\d|2[0-3])(:[0-5]\d)?\s*)?$")
    DESK_TIME_ZONE: str = "America/Mexico_City"
    # More than this many e-mails or SMS from one sender in an hour are refused (and not answered): a loop between
    # two automatic senders, or a flood.
    INBOUND_MAX_PER_SENDER_HOUR: int = Field(default=20, ge=1, le=10_000)
    # A message larger than this is not read (it stays in the mailbox, seen, for a person).
    MAIL_MAX_BYTES: int = Field(default=25 * 1024 * 1024, ge=64 * 1024, le=200 * 1024 * 1024)
    # Files kept from requesters' e-mail: at most this size each, of these types (type/* for a whole family).
    ATTACHMENT_MAX_BYTES: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    ATTACHMENT_TYPES: str = ("image/*,application/pdf,text/plain,text/csv,application/zip,"
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                             "application/msword,application/vnd.ms-excel,message/rfc822")
    ATTACHMENTS_CONTAINER: str = "attachments"
    # An agent's file goes straight from the browser to Blob Storage through a create-only link that works this
    # many minutes; an upload not completed by then (and a few minutes' grace for a PUT still running) is swept.
    UPLOAD_LINK_MINUTES: int = Field(default=10, ge=1, le=60)
    # A list view exported as CSV holds at most this many rows, read in keyset pages.
    EXPORT_MAX_ROWS: int = Field(default=100_000, ge=1, le=1_000_000)
    # A resolved ticket's requester is asked for a rating 1-5, answerable this many days; this rating or lower
    # flags the ticket for a lead (and reopens nothing).
    SATISFACTION_REPLY_DAYS: int = Field(default=7, ge=1, le=90)
    SATISFACTION_FLAG_AT_MOST: int = Field(default=2, ge=1, le=4)
    # E-mail out through an SMTP relay (Azure Communication Services, Exchange Online, any relay; devhost's own
    # locally) and in from the desk's mailbox over IMAP (devhost's dovecot locally). An empty host turns either off.
    SMTP_HOST: str = "127.0.0.1"
    SMTP_PORT: int = Field(default=10025, ge=1, le=65535)
    SMTP_SECURITY: str = Field(default="none", pattern=r"^(none|starttls|tls)$")
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: SecretStr = SecretStr("")
    MAIL_FROM: str = "desk@atiende.test"
    IMAP_HOST: str = "127.0.0.1"
    IMAP_PORT: int = Field(default=10143, ge=1, le=65535)
    IMAP_SECURITY: str = Field(default="none", pattern=r"^(none|tls)$")
    IMAP_USERNAME: str = "desk@atiende.test"
    IMAP_PASSWORD: SecretStr = SecretStr("desk")
    IMAP_MAILBOX: str = "INBOX"
    # Password sign-in, or XOAUTH2 (Exchange Online, Gmail) with a token for MAIL_OAUTH_SCOPE from the app's identity.
    SMTP_AUTH: str = Field(default="password", pattern=r"^(password|xoauth2)$")
    IMAP_AUTH: str = Field(default="password", pattern=r"^(password|xoauth2)$")
    MAIL_OAUTH_SCOPE: str = "https://outlook.office365.com/.default"

    @model_validator(mode="after")
    def _mail_has_a_sender(self) -> Settings:
        if self.SMTP_HOST and "@" not in self.MAIL_FROM:
            raise ValueError("MAIL_FROM must be the desk's address when SMTP_HOST is set")
        return self

    @property
    def attachment_types(self) -> tuple[str, ...]:
        return tuple(kind.strip().lower() for kind in self.ATTACHMENT_TYPES.split(",") if kind.strip())

    @property
    def twilio_configured(self) -> bool:
        return bool(self.TWILIO_ACCOUNT_SID and self.TWILIO_AUTH_TOKEN.get_secret_value())

    @property
    def recording_hosts(self) -> frozenset[str]:
        return frozenset(host.strip().lower() for host in self.RECORDING_HOSTS.split(",") if host.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
