"""Vectors in Redis: one hash per ticket or article, searched by RediSearch (HNSW, cosine) when the server has the
search module, or exactly in numpy over the same hashes when it has not."""
from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar, cast

import numpy as np
import redis
import redis.asyncio
from redis.commands.search.field import TagField, VectorField
from redis.commands.search.index_definition import IndexDefinition, IndexType

from domain.errors import DependencyUnavailable
from domain.ports import Document, Hit

TAGS = ("kind", "state", "category", "group")
T = TypeVar("T")


# Writes the index's metadata only where there is none, in one step.
_CLAIM_META = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'model', ARGV[1], 'dimensions', ARGV[2], 'filled', '0')
return 1
"""


class IndexOutOfDate(DependencyUnavailable):
    """The index was built with another embedding model or size: it needs a reindex."""


class RedisVectorIndex:
    """Keys live under `namespace` (RediSearch indexes only database 0, so namespaces keep apps apart)."""

    def __init__(self, client: redis.asyncio.Redis, model: str, dimensions: int, namespace: str = "atiende"):
        self.client = client
        self.prefix = f"{namespace}:vec:"
        self.index = f"{namespace}:vectors"
        self.meta = f"{namespace}:vectors:meta"
        self.version = f"{namespace}:vectors:version"
        self.model = model
        self.dimensions = dimensions
        self._mode: str | None = None
        self._matrix: tuple[bytes, list[tuple[str, dict[str, str]]], np.ndarray, dict[str, np.ndarray]] | None = None
        self._checked_until = 0.0
        self._claim_meta = client.register_script(_CLAIM_META)

    async def mode(self) -> str:
        """'search' (RediSearch answers k-nearest queries) or 'exact' (numpy over every hash)."""
        if self._mode is None:
            modules = await redis_call(self.client.module_list())
            names = {(m.get(b"name") or m.get("name") or b"") for m in modules}
            self._mode = "search" if names & {b"search", "search", b"ft", "ft"} else "exact"
        return self._mode

    async def check(self) -> None:
        """Raise IndexOutOfDate when the index holds vectors of another model or size; create it when none.
        A good answer is trusted for a few seconds, so queries do not each pay a round trip for it."""
        if time.monotonic() < self._checked_until:
            return
        # Bytes: the client is made without decode_responses, which redis-py's hints cannot tell.
        meta = cast(dict[bytes, bytes], await redis_call(self.client.hgetall(self.meta)))
        if not meta:
            await self._start()
            return
        if meta.get(b"model", b"").decode() != self.model or int(meta.get(b"dimensions", 0)) != self.dimensions:
            raise IndexOutOfDate(f"The vector index holds {meta.get(b'model', b'?').decode()} vectors; this app "
                                 f"embeds with {self.model} ({self.dimensions} dimensions). Run the reindex command.")
        self._checked_until = time.monotonic() + 5

    async def _start(self) -> None:
        """Start an empty index where Redis holds none (a new Redis, or one that lost its data), marked as
        needing to be filled from PostgreSQL. Every process and thread may find it missing at once: the
        metadata is claimed atomically, and an index another one just created is theirs to share."""
        async def start() -> None:
            await self._claim_meta(keys=[self.meta], args=[self.model, self.dimensions])
            if await self.mode() == "search":
                try:
                    await self._create_search_index()
                except redis.ResponseError as err:
                    if "already exists" not in str(err).lower():
                        raise
        await redis_call(start())

    async def needs_filling(self) -> bool:
        """Whether this index was started empty and PostgreSQL's tickets and articles are still to be queued."""
        filled = await redis_call(self.client.hget(self.meta, "filled"))
        return filled == b"0"

    async def filled(self) -> None:
        await redis_call(self.client.hset(self.meta, "filled", "1"))

    async def reindexed_through(self) -> int:
        """The last ticket id a resumable reindex finished, 0 when none is under way."""
        return int(await redis_call(self.client.hget(self.meta, "reindexed_through")) or 0)

    async def mark_reindexed_through(self, ticket_id: int) -> None:
        await redis_call(self.client.hset(self.meta, "reindexed_through", ticket_id))

    async def _create_search_index(self) -> None:
        await self.client.ft(self.index).create_index(
            [*(TagField(tag) for tag in TAGS),
             VectorField("vector", "HNSW", {"TYPE": "FLOAT32", "DIM": self.dimensions,
                                            "DISTANCE_METRIC": "COSINE", "M": 16, "EF_CONSTRUCTION": 200})],
            definition=IndexDefinition(prefix=[self.prefix], index_type=IndexType.HASH),
        )

    async def reset(self) -> None:
        """Drop every vector and start an index for this model and size."""
        self._checked_until = 0.0

        async def drop() -> None:
            searchable = await self.mode() == "search"
            if searchable:
                try:
                    await self.client.ft(self.index).dropindex(delete_documents=False)
                except redis.ResponseError:
                    pass
            keys = [key async for key in self.client.scan_iter(match=self.prefix + "*", count=1000)]
            for start in range(0, len(keys), 1000):
                await self.client.delete(*keys[start:start + 1000])
            await self.client.hset(self.meta, mapping={"model": self.model, "dimensions": self.dimensions})
            await self.client.set(self.version, uuid.uuid4().hex)
            if searchable:
                await self._create_search_index()

        await redis_call(drop())

    async def upsert(self, documents: Iterable[Document]) -> int:
        async def write() -> int:
            pipe = self.client.pipeline(transaction=False)
            count = 0
            for doc in documents:
                vector = np.asarray(doc.vector, dtype=np.float32)
                if vector.shape != (self.dimensions,):
                    raise IndexOutOfDate(f"A {vector.shape[0]}-dimension vector cannot go in a {self.dimensions}-dimension index.")
                pipe.hset(f"{self.prefix}{doc.kind}:{doc.key}",
                          mapping={"vector": vector.tobytes(), "kind": doc.kind, "key": doc.key,
                                   **{k: _tag(doc.tags.get(k)) for k in TAGS if k != "kind"}})
                count += 1
            pipe.set(self.version, uuid.uuid4().hex)
            await pipe.execute()
            return count

        return await redis_call(write())

    async def vector_of(self, kind: str, key: str) -> np.ndarray | None:
        """The stored vector of a document, when it is indexed (and of this index's size)."""
        return self._vector(cast(bytes | None, await redis_call(self.client.hget(f"{self.prefix}{kind}:{key}", "vector"))))

    async def vectors_of(self, kind: str, keys: list[str]) -> dict[str, np.ndarray]:
        """The stored vectors of many documents, by key; those not indexed (yet) are left out."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 1000):
            batch = keys[start:start + 1000]

            pipe = self.client.pipeline(transaction=False)
            for key in batch:
                pipe.hget(f"{self.prefix}{kind}:{key}", "vector")
            for key, raw in zip(batch, await redis_call(pipe.execute()), strict=True):
                vector = self._vector(raw)
                if vector is not None:
                    found[key] = vector
        return found

    def _vector(self, raw: bytes | None) -> np.ndarray | None:
        """A stored vector's bytes as a vector, when they are there and of this index's size."""
        return np.frombuffer(raw, dtype=np.float32) if raw and len(raw) == 4 * self.dimensions else None

    async def delete(self, kind: str, key: str) -> None:
        pipe = self.client.pipeline(transaction=False)
        pipe.delete(f"{self.prefix}{kind}:{key}")
        pipe.set(self.version, uuid.uuid4().hex)
        await redis_call(pipe.execute())

    async def count(self) -> int:
        if await self.mode() == "search":
            try:
                return int((await redis_call(self.client.ft(self.index).info()))["num_docs"])
            except redis.ResponseError:
                return 0  # no index yet: nothing has been indexed
        return len((await self._load())[1])

    async def nearest(self, vector: np.ndarray, k: int, kind: str | None = None, states: Iterable[str] | None = None,
                exclude: str | None = None) -> list[Hit]:
        """The `k` closest documents, best first, among those of `kind` in `states`, leaving out `exclude`."""
        await self.check()  # the query's vector and the index's must come from the same model
        wanted = {"kind": {kind} if kind else None, "state": set(states) if states is not None else None}
        asked = k + (1 if exclude else 0)
        if await self.mode() == "search":
            hits = await self._search(vector, asked, wanted)
        else:
            hits = await self._exact(vector, asked, wanted)
        return [h for h in hits if h.key != exclude][:k]

    async def _search(self, vector: np.ndarray, k: int, wanted: dict[str, set[str] | None]) -> list[Hit]:
        filters = " ".join(f"@{name}:{{{' | '.join(_escape(v) for v in values)}}}"
                           for name, values in wanted.items() if values)
        # Filters here keep most documents (tickets, open ones), where walking the graph in batches and
        # filtering beats RediSearch's default of scoring every match by brute force (measured: 1.1 -> 0.3 ms).
        # EF_RUNTIME: how wide the graph walk is; RediSearch's default of 10 found 85 % of the true ten nearest
        # in the benchmark, 100 finds them all for a fraction of a millisecond more.
        knn = f"[KNN {k} @vector $vector EF_RUNTIME {max(100, k)} AS distance]"
        text = f"({filters})=>{knn}=>{{$HYBRID_POLICY: BATCHES}}" if filters else f"*=>{knn}"
        fields = ("distance", *TAGS, "key")
        # The command itself rather than redis-py's Query and Result: their building and parsing cost more CPU
        # than the search (measured: 0.34 -> 0.13 ms a query, with hiredis).
        command = ["FT.SEARCH", self.index, text, "SORTBY", "distance", "RETURN", len(fields), *fields,
                   "LIMIT", 0, k, "PARAMS", 2, "vector", np.asarray(vector, dtype=np.float32).tobytes(), "DIALECT", 2]
        try:
            reply = await redis_call(self.client.execute_command(*command))
        except redis.ResponseError as err:
            if "no such index" in str(err).lower():
                return []  # another process is starting it this moment: nothing is indexed yet
            raise
        return [Hit(found["kind"], found["key"], round(1 - float(found["distance"]), 6),
                    {t: found.get(t, "") for t in TAGS}) for found in _search_results(reply)]

    async def _exact(self, vector: np.ndarray, k: int, wanted: dict[str, set[str] | None]) -> list[Hit]:
        _, docs, matrix, tags = await self._load()
        if not docs:
            return []
        scores = matrix @ np.asarray(vector, dtype=np.float32)
        for name, values in wanted.items():
            if values is not None:
                scores[~np.isin(tags[name], list(values))] = -np.inf
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top])]
        return [Hit(docs[i][1]["kind"], docs[i][0], round(float(scores[i]), 6), docs[i][1])
                for i in top if np.isfinite(scores[i])]

    async def _load(self) -> tuple[bytes, list[tuple[str, dict[str, str]]], np.ndarray, dict[str, np.ndarray]]:
        """Every vector as one matrix, kept in memory until a write anywhere changes the version: a random token
        rather than a counter, which a restarted Redis would count again from the start. Two searches that find
        it stale at once may both read it; the later one's copy is kept, and both are current."""
        version = cast(bytes, await redis_call(self.client.get(self.version)) or b"")
        if self._matrix is not None and self._matrix[0] == version:
            return self._matrix

        async def read() -> tuple[list[tuple[str, dict[str, str]]], list[bytes]]:
            keys = [key async for key in self.client.scan_iter(match=self.prefix + "*", count=2000)]
            docs, vectors = [], []
            for start in range(0, len(keys), 2000):
                pipe = self.client.pipeline(transaction=False)
                for key in keys[start:start + 2000]:
                    pipe.hmget(key, "vector", "key", *TAGS)
                for values in await pipe.execute():
                    if values[0] is None or len(values[0]) != 4 * self.dimensions:
                        continue
                    vectors.append(values[0])
                    docs.append((values[1].decode(), {t: (v or b"").decode() for t, v in zip(TAGS, values[2:], strict=False)}))
            return docs, vectors

        docs, vectors = await redis_call(read())
        matrix = np.frombuffer(b"".join(vectors), dtype=np.float32).reshape(len(vectors), self.dimensions)
        tags = {name: np.array([d[1].get(name, "") for d in docs], dtype=object) for name in TAGS}
        self._matrix = (version, docs, matrix, tags)
        return self._matrix


def _tag(value: str | None) -> str:
    return (value or "").replace(",", " ")


def _escape(value: str) -> str:
    return re.sub(r"([^A-Za-z0-9_])", r"\\\1", value)


def _search_results(reply: Any) -> list[dict[str, str]]:
    """The returned fields of each document in an FT.SEARCH reply, in either protocol: RESP3 answers a map with
    "results", RESP2 a flat list of the total, then each document's key and its fields as name, value pairs."""
    def text(value: Any) -> str:
        return value.decode() if isinstance(value, bytes) else str(value)
    if isinstance(reply, dict):
        # A list whichever key holds it; mypy reads the nested get's default as possibly None.
        results = cast(list[Any], reply.get(b"results", reply.get("results", [])))
        return [{text(n): text(v) for n, v in (r.get(b"extra_attributes") or r.get("extra_attributes") or {}).items()}
                for r in results]
    pairs = reply[2::2]
    return [{text(pair[i]): text(pair[i + 1]) for i in range(0, len(pair), 2)} for pair in pairs]


async def redis_call(operation: Awaitable[T]) -> T:
    """The awaited reply of a Redis call, or DependencyUnavailable when Redis cannot be reached."""
    try:
        return await operation
    except (redis.ConnectionError, redis.TimeoutError) as err:
        raise DependencyUnavailable("Redis is not reachable right now; search and similar tickets are unavailable.") from err


def connect_redis(url: str) -> redis.asyncio.Redis:
    """A client for `url`, signed in as the app's managed identity when the URL names no password (Azure Managed
    Redis). Short timeouts: a request that asks Redis must not hang on it, and the outbox catches up later."""
    credentials = EntraIdCredentials() if url.startswith("rediss://") and "@" not in url else None
    return redis.asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1,
                                        credential_provider=credentials)


class EntraIdCredentials(redis.CredentialProvider):
    """Signs in to Azure Managed Redis as the app's managed identity: the user is the identity's object id, the
    password an Entra ID token, fetched afresh (azure-identity caches it until it nears expiry) for each new
    connection."""

    SCOPE = "https://redis.azure.com/.default"

    def __init__(self) -> None:
        from azure.identity import DefaultAzureCredential

        self._credential = DefaultAzureCredential()

    def get_credentials(self) -> tuple[str, str]:
        import base64
        import json

        token = self._credential.get_token(self.SCOPE).token
        claims = token.split(".")[1]
        object_id = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["oid"]
        return object_id, token

    async def get_credentials_async(self) -> tuple[str, str]:
        """What redis.asyncio asks for each new connection: the token is fetched off the event loop."""
        return await asyncio.to_thread(self.get_credentials)
