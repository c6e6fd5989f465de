"""The vector index at 10k and 100k vectors, beside raw Redis and raw onnxruntime measured in the same run.

    .venv/bin/python benchmarks/vector_search.py [--sizes 10000 100000] [--queries 200]

Prints, for each size: the index build rate through Atiende's adapter beside a raw pipelined HSET of the same
hashes; k-nearest query p50/p95 through the adapter beside a raw FT.SEARCH, on RediSearch (HNSW) and on a
Redis without the search module (exact, numpy); recall@10 of HNSW against exact search; and `GET
/api/tickets/{number}/similar` end to end through devhost. Then the local model's embedding throughput beside
the raw onnxruntime session it wraps.

The vectors are synthetic, grouped around 2,000 topics as tickets are, because embedding 100,000 texts takes
the local model several minutes; the query vectors are drawn the same way. Noisy machines: read the ratios.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import psycopg
import redis
import redis.asyncio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fresh_database, start_devhost  # noqa: E402
from devhost.loop import on_background_loop  # noqa: E402
from devhost.services import ensure_redis  # noqa: E402
from domain.adapters.embeddings import LocalMiniLM  # noqa: E402
from domain.adapters.vectors import Document, RedisVectorIndex  # noqa: E402

SEARCH_REDIS, PLAIN_REDIS = "redis://127.0.0.1:6380/0", "redis://127.0.0.1:6379/0"
DIM, TOPICS, K = 384, 2000, 10
STATES = ["new", "in_progress", "on_hold", "resolved", "closed"]


def synthetic(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(1).normal(size=(TOPICS, DIM)).astype(np.float32)
    vectors = centres[rng.integers(0, TOPICS, count)] + 0.6 * rng.normal(size=(count, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def ms(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000


def timed(call, times: list[float]):
    start = time.perf_counter()
    result = call()
    times.append(time.perf_counter() - start)
    return result


async def each_timed(calls, times: list[float]) -> list:
    """Await each call in turn on the loop, timing it alone: the adapter and the raw command alike."""
    results = []
    for call in calls:
        start = time.perf_counter()
        results.append(await call())
        times.append(time.perf_counter() - start)
    return results


def bench_size(size: int, queries: int, model: str) -> dict[str, float]:
    vectors, asked = synthetic(size, 7), synthetic(queries, 99)
    numbers = [f"INC{10001 + i:07d}" for i in range(size)]
    docs = [Document("ticket", n, v, {"state": STATES[i % 5]}) for i, (n, v) in enumerate(zip(numbers, vectors, strict=True))]
    out: dict[str, float] = {}
    truth = np.argsort(-(asked @ vectors.T), axis=1)[:, :K]

    for mode, url in (("search", SEARCH_REDIS), ("exact", PLAIN_REDIS)):
        client = redis.Redis.from_url(url)  # setup, and the build's raw reference
        awaited = redis.asyncio.Redis.from_url(url)  # the adapter's client, and the queries' raw reference
        index = RedisVectorIndex(awaited, model, DIM, namespace=f"bench{size}")
        on_background_loop(index.reset())
        start = time.perf_counter()
        for i in range(0, size, 1000):
            on_background_loop(index.upsert(docs[i:i + 1000]))
        if mode == "search":
            while int(client.ft(index.index).info()["num_docs"]) < size:
                time.sleep(0.05)
        out[f"{mode} build/s"] = size / (time.perf_counter() - start)
        if mode == "search":
            raw_client = redis.Redis.from_url(url)
            start = time.perf_counter()
            for i in range(0, size, 1000):
                pipe = raw_client.pipeline(transaction=False)
                for doc in docs[i:i + 1000]:
                    # Under the index's prefix, so that RediSearch indexes these too: the same work, minus ours.
                    pipe.hset(f"{index.prefix}raw:{doc.key}", mapping={"vector": doc.vector.tobytes(), "kind": "raw",
                                                                       "state": doc.tags["state"]})
                pipe.execute()
            while int(client.ft(index.index).info()["num_docs"]) < 2 * size:
                time.sleep(0.05)
            out["raw hset/s"] = size / (time.perf_counter() - start)
            for key in raw_client.scan_iter(match=f"{index.prefix}raw:*", count=5000):
                raw_client.delete(key)
        on_background_loop(index.nearest(asked[0], K))  # warm: the exact mode loads its matrix once
        ours: list[float] = []
        found = on_background_loop(each_timed([lambda q=q: index.nearest(q, K, kind="ticket") for q in asked], ours))
        out[f"{mode} p50"], out[f"{mode} p95"] = ms(ours, 50), ms(ours, 95)
        recall = np.mean([len({h.key for h in hits} & {numbers[j] for j in truth[i]}) / K for i, hits in enumerate(found)])
        out[f"{mode} recall"] = float(recall)
        if mode == "search":
            raw: list[float] = []
            on_background_loop(each_timed([lambda q=q: awaited.execute_command(
                "FT.SEARCH", index.index, f"(@kind:{{ticket}})=>[KNN {K} @vector $v EF_RUNTIME 100 AS d]=>{{$HYBRID_POLICY: BATCHES}}",
                "PARAMS", "2", "v", q.tobytes(),
                "SORTBY", "d", "RETURN", "1", "d", "DIALECT", "2", "LIMIT", "0", str(K)) for q in asked], raw))
            out["raw p50"], out["raw p95"] = ms(raw, 50), ms(raw, 95)
        else:
            raw = []
            for q in asked:
                timed(lambda q=q: np.argpartition(-(vectors @ q), K)[:K], raw)
            out["numpy p50"], out["numpy p95"] = ms(raw, 50), ms(raw, 95)
        client.close()
        on_background_loop(awaited.aclose())
    return out


def bench_api(size: int, queries: int, model: str, server: str) -> tuple[float, float]:
    """`similar` through devhost, with `size` tickets in PostgreSQL and their vectors in the search index."""
    url = fresh_database(server, "atiende_bench_vectors")
    with psycopg.connect(url) as conn:
        with conn.cursor().copy("COPY tickets (number, impact, urgency, priority, short_description, channel,"
                                " opened_at, opened_by) FROM STDIN") as copy:
            for i in range(size):
                copy.write_row((f"INC{10001 + i:07d}", 3, 3, 5, f"Synthetic ticket {i}", "api", "2026-01-01", "bench"))
        conn.execute("TRUNCATE index_outbox")
    os.environ["REDIS_NAMESPACE"] = f"bench{size}"
    process, base = start_devhost(url)
    principal = base64.b64encode(json.dumps({"userDetails": "bench@example.com",
                                             "userRoles": ["authenticated", "agent"]}).encode()).decode()
    times: list[float] = []
    try:
        with httpx.Client(base_url=base, cookies={"StaticWebAppsAuthCookie": principal}, timeout=30) as client:
            rng = np.random.default_rng(3)
            for _ in range(queries):
                number = f"INC{10001 + int(rng.integers(0, size)):07d}"
                response = timed(lambda: client.get(f"/api/tickets/{number}/similar", params={"k": K}), times)
                assert response.status_code == 200 and len(response.json()["items"]) == K, response.text
    finally:
        process.terminate()
    return ms(times, 50), ms(times, 95)


def bench_embeddings() -> tuple[float, float]:
    """Sentences per second through LocalMiniLM (on the calling thread, as its async embed runs it on a thread of
    its own), and through the bare session on the same batches."""
    model = LocalMiniLM()
    texts = [f"Ticket {i}: the printer on floor {i % 9} shows error {i * 7 % 97} when printing invoices" for i in range(2048)]
    model.embed_now(texts[:32])
    start = time.perf_counter()
    for i in range(0, len(texts), 64):
        model.embed_now(texts[i:i + 64])
    ours = len(texts) / (time.perf_counter() - start)
    tokenizer, session = model._tokenizer, model._session
    start = time.perf_counter()
    for i in range(0, len(texts), 64):
        encoded = tokenizer.encode_batch(texts[i:i + 64])
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
    raw = len(texts) / (time.perf_counter() - start)
    return ours, raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    ensure_redis(SEARCH_REDIS)
    model = LocalMiniLM.model

    print(f"k = {K}, {args.queries} queries per row, {DIM} dimensions\n")
    header = (f"{'vectors':>8} {'mode':<7}{'build/s':>9}{'raw HSET/s':>11}{'query p50':>10}{'p95 ms':>8}"
              f"{'raw p50':>9}{'raw p95':>9}{'recall@10':>10}{'similar API p50':>17}{'p95 ms':>8}")
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        r = bench_size(size, args.queries, model)
        api50, api95 = bench_api(size, min(args.queries, 100), model, args.server)
        print(f"{size:>8} {'HNSW':<7}{r['search build/s']:>9.0f}{r['raw hset/s']:>11.0f}{r['search p50']:>10.2f}"
              f"{r['search p95']:>8.2f}{r['raw p50']:>9.2f}{r['raw p95']:>9.2f}{r['search recall']:>10.3f}"
              f"{api50:>17.2f}{api95:>8.2f}")
        print(f"{size:>8} {'exact':<7}{r['exact build/s']:>9.0f}{'':>11}{r['exact p50']:>10.2f}{r['exact p95']:>8.2f}"
              f"{r['numpy p50']:>9.2f}{r['numpy p95']:>9.2f}{r['exact recall']:>10.3f}")
    ours, raw = bench_embeddings()
    print(f"\nlocal embeddings (all-MiniLM-L6-v2 int8, batches of 64): {ours:.0f} sentences/s through Atiende, "
          f"{raw:.0f}/s through the bare onnxruntime session: {ours / raw:.2f}x (goal >= 0.9x)")
    print("raw = the same query as one FT.SEARCH command (HNSW), or one numpy product over the matrix (exact); "
          "goals: similar p95 <= 10 ms at 100k, recall@10 >= 0.95")


if __name__ == "__main__":
    main()
