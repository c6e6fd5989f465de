"""The triage classifier's models in Redis, beside the vectors: one hash with each field's compressed counts and
what they were trained on. Each process keeps the models it loaded until a newer training replaces them."""
from __future__ import annotations

import json
from typing import Any, cast

import redis.asyncio
from redis.typing import EncodableT, FieldT

from domain.adapters.vectors import redis_call
from domain.classifier import NaiveBayes
from domain.ports import LearnedModels
from domain.triage import Calibration


class TriageModelStore:
    def __init__(self, client: redis.asyncio.Redis, namespace: str = "atiende"):
        self.client = client
        self.key = f"{namespace}:triage:models"
        self.changed_key = f"{namespace}:triage:changed"
        self._loaded: tuple[bytes, LearnedModels] | None = None

    async def save(self, fields: dict[str, NaiveBayes], tickets: int, trained_at: str,
             calibration: Calibration | None = None) -> None:
        about = json.dumps({"tickets": tickets, "trained_at": trained_at, "fields": sorted(fields),
                            "calibration": (calibration or Calibration()).to_dict()})
        mapping: dict[FieldT, EncodableT] = {f"field:{name}": model.dumps() for name, model in fields.items()}
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self.key)
        pipe.hset(self.key, mapping={**mapping, "about": about})
        await redis_call(pipe.execute())

    async def about(self) -> dict[str, Any] | None:
        """What the stored models learned from, without loading them; None before the first training."""
        raw = await redis_call(self.client.hget(self.key, "about"))
        return json.loads(raw) if raw else None

    async def load(self) -> LearnedModels | None:
        """The stored models, loaded once per training: a request pays one small read to learn they are current."""
        # Bytes: the client is made without decode_responses, which redis-py's hints cannot tell.
        raw = cast(bytes | None, await redis_call(self.client.hget(self.key, "about")))
        if not raw:
            return None
        if self._loaded and self._loaded[0] == raw:
            return self._loaded[1]
        stored = cast(dict[bytes, bytes], await redis_call(self.client.hgetall(self.key)))
        if stored.get(b"about") != raw:
            return self._loaded[1] if self._loaded else None  # replaced mid-read: the next request loads it
        about = json.loads(raw)
        models = LearnedModels({name: NaiveBayes.loads(stored[f"field:{name}".encode()]) for name in about["fields"]},
                               about["tickets"], about["trained_at"], Calibration.from_dict(about.get("calibration")))
        self._loaded = (raw, models)
        return models

    async def mark_changed(self) -> None:
        """Tickets changed since the last training."""
        await redis_call(self.client.set(self.changed_key, 1))

    async def changed(self) -> bool:
        """Whether tickets changed since the last training, leaving the mark in place."""
        return bool(await redis_call(self.client.exists(self.changed_key)))

    async def take_changed(self) -> bool:
        """Whether tickets changed since the last training, clearing the mark: changes made while training runs
        mark it again, so none is missed."""
        return bool(await redis_call(self.client.getdel(self.changed_key)))
