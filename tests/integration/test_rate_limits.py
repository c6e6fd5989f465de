"""Rate limits per API key and per signed-in user (a token bucket in Redis): 429 with Retry-After once a
caller's burst is spent, a bucket of its own for each caller, and Twilio's webhooks never limited."""
import time

import httpx
import redis
import redis.asyncio

from domain.adapters.ratelimit import RateLimiter
from domain.auth import Principal
from tests.conftest import Devhost, fresh_database, on_own_loop, principal_cookie
from tests.random_refs import random_name


def test_each_caller_spends_its_own_burst_then_waits(tmp_path):
    host = Devhost(fresh_database("atiende_test_rate"), tmp_path / "devhost.log",
                   RATE_LIMIT_PER_MINUTE="60", RATE_LIMIT_BURST="3").start()
    signed_in = lambda user, roles: httpx.Client(  # noqa: E731
        base_url=host.base, timeout=30, cookies={"StaticWebAppsAuthCookie": principal_cookie(user, roles)})
    try:
        with signed_in("ana@example.com", ["agent"]) as ana, signed_in("bo@example.com", ["agent", "admin"]) as bo:
            assert [ana.get("/api/tickets").status_code for _ in range(3)] == [200, 200, 200]
            refused = ana.get("/api/tickets")
            assert refused.status_code == 429
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert 1 <= int(refused.headers["Retry-After"]) <= 60
            assert ana.post("/api/tickets", json={"short_description": "x"}).status_code == 429  # nothing written

            key = bo.post("/api/api-keys", json={"name": random_name("limited"), "scopes": ["tickets:read"]})
            assert key.status_code == 201  # bo's own bucket is untouched by ana's
            with httpx.Client(base_url=host.base, timeout=30, headers={"X-Api-Key": key.json()["key"]}) as integrator:
                statuses = [integrator.get("/api/tickets").status_code for _ in range(4)]
                assert statuses == [200, 200, 200, 429]

            with httpx.Client(base_url=host.base, timeout=30) as anyone:
                hooks = [anyone.post("/api/voice/incoming", data={"CallSid": "CA" + "0" * 32}).status_code
                         for _ in range(8)]
                assert 429 not in hooks  # refused for their signature, never for their number
                assert 429 not in {anyone.get("/api/health").status_code for _ in range(8)}

            time.sleep(1.2)  # a token a second comes back
            assert ana.get("/api/tickets").status_code == 200
    finally:
        host.stop()


def test_requests_go_through_when_redis_cannot_count_them():
    dead = redis.asyncio.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, socket_timeout=0.2)
    limiter = RateLimiter(dead, "t", per_minute=1, burst=1)
    who = Principal("ana@example.com", "user", frozenset())
    for _ in range(3):
        on_own_loop(limiter.take(who))  # no exception: a Redis outage must not stop the desk
    on_own_loop(dead.aclose())


def test_a_process_takes_tokens_in_batches_and_never_spends_more_than_the_bucket(search_redis):
    import pytest

    from domain.errors import TooManyRequests

    client, stats = redis.asyncio.Redis.from_url(search_redis), redis.Redis.from_url(search_redis)
    limiter = RateLimiter(client, random_name("t"), per_minute=1, burst=10)  # no refill worth counting
    who = Principal("ana@example.com", "user", frozenset())
    asked = lambda: stats.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0)  # noqa: E731
    before = asked()
    for _ in range(10):
        on_own_loop(limiter.take(who))
    with pytest.raises(TooManyRequests):
        on_own_loop(limiter.take(who))
    # Batches of 1, 2, 4 and the last 3, then one refusal: 5 questions to Redis for 11 requests.
    assert asked() - before == 5
    other = RateLimiter(client, limiter.prefix.removesuffix(":rate:"), per_minute=1, burst=10)
    with pytest.raises(TooManyRequests):
        on_own_loop(other.take(who))  # another process shares the same spent bucket
    on_own_loop(client.aclose())
    stats.close()
