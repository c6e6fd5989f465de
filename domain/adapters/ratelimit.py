"""Requests per API key and per signed-in user, as a token bucket in Redis: each caller may send a burst, then
keeps a steady rate. One Lua script reads, refills and takes tokens atomically, on Redis's own clock, so every
instance of the app shares the same buckets."""
from __future__ import annotations

import functools
import hashlib
import logging
import time
from dataclasses import dataclass

import redis
import redis.asyncio

from domain.auth import Principal
from domain.errors import TooManyRequests

log = logging.getLogger(__name__)

# Grants up to ARGV[3] tokens at once, as many as the bucket holds; returns {granted, seconds to wait}.
_TAKE = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local rate, burst, wanted = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or ms
tokens = math.min(burst, tokens + (ms - at) / 1000 * rate)
local granted = math.min(wanted, math.floor(tokens))
local wait = 0
if granted >= 1 then tokens = tokens - granted else granted = 0; wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(ms))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {granted, wait}
"""
# Asking Redis for every request cost more CPU than answering most of them. A process takes a caller's tokens a
# few at a time instead and spends them locally: one at first, twice as many each time a batch runs out within
# LEASE_SECONDS, up to MAX_LEASE. Tokens never leave the shared bucket unspent, so no caller exceeds the limit;
# a batch not spent within LEASE_SECONDS lapses, which at worst refuses a caller slightly early.
LEASE_SECONDS = 1.0
MAX_LEASE = 16


@functools.lru_cache(maxsize=4096)
def _bucket(kind: str, name: str) -> str:
    """A caller's bucket, named by a hash (names are personal data, and may be long): hashed once per caller, not
    on every request."""
    return f"{kind}:{hashlib.sha256(name.encode()).hexdigest()[:32]}"


@dataclass
class _Lease:
    tokens: int
    expires: float
    size: int


class RateLimiter:
    def __init__(self, client: redis.asyncio.Redis, namespace: str, per_minute: int, burst: int):
        self.client = client
        self.prefix = f"{namespace}:rate:"
        self.rate = per_minute / 60
        self.burst = burst
        self._take = client.register_script(_TAKE)
        # Only the worker's event loop touches the leases, so they need no lock.
        self._leases: dict[str, _Lease] = {}

    def spend_held(self, who: Principal) -> bool:
        """Spend a token of the batch this process holds for the caller; False when none is held and Redis must
        be asked."""
        if self.rate <= 0:
            return True
        lease = self._leases.get(self._key(who))
        if lease and lease.tokens > 0 and time.monotonic() < lease.expires:
            lease.tokens -= 1
            return True
        return False

    def _key(self, who: Principal) -> str:
        return self.prefix + _bucket(who.kind, who.name)

    async def take(self, who: Principal) -> None:
        """Spend one of the caller's tokens, or TooManyRequests when none is left. A limit of 0 is no limit, and
        when Redis cannot answer the request goes through: an outage of Redis must not stop the desk."""
        if self.spend_held(who):
            return
        key = self._key(who)
        now = time.monotonic()
        lease = self._leases.get(key)
        size = min(2 * lease.size, MAX_LEASE) if lease and now < lease.expires else 1
        try:
            granted, wait = (int(n) for n in await self._take(keys=[key], args=[self.rate, self.burst, size]))
        except redis.RedisError as err:
            log.warning("requests are not rate limited while Redis cannot answer: %s", err)
            return
        if granted == 0:
            raise TooManyRequests(f"Too many requests from {who.name}; send again in {wait} s.", retry_after=wait)
        if len(self._leases) > 10_000:  # forget callers whose batches have lapsed
            self._leases = {k: v for k, v in self._leases.items() if v.expires > now}
        self._leases[key] = _Lease(granted - 1, now + LEASE_SECONDS, size)
