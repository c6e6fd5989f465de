"""The one settings object: every setting Atiende reads, with local defaults."""
from __future__ import annotations

from functools import lru_cache

from pydantic import Field
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
    # Read by host.json, not by Python; declared so that every setting lives in one place.
    DURABLE_TASK_HUB: str = "atiende"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
