"""Requests per API key and per signed-in user, as a token bucket in Redis: each caller may send a burst, then
keeps a steady rate. One Lua script reads, refills and takes a token atomically, on Redis's own clock, so every
instance of the app shares the same buckets."""
from __future__ import annotations

import hashlib
import logging

import redis

from domain.auth import Principal
from domain.errors import TooManyRequests

log = logging.getLogger(__name__)

_TAKE = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or ms
tokens = math.min(burst, tokens + (ms - at) / 1000 * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(ms))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
"""


class RateLimiter:
    def __init__(self, client: redis.Redis, namespace: str, per_minute: int, burst: int):
        self.client = client
        self.prefix = f"{namespace}:rate:"
        self.rate = per_minute / 60
        self.burst = burst
        self._take = client.register_script(_TAKE)

    def take(self, who: Principal) -> None:
        """Spend one of the caller's tokens, or TooManyRequests when none is left. A limit of 0 is no limit, and
        when Redis cannot answer the request goes through: an outage of Redis must not stop the desk."""
        if self.rate <= 0:
            return
        caller = hashlib.sha256(who.name.encode()).hexdigest()[:32]
        try:
            wait = int(self._take(keys=[f"{self.prefix}{who.kind}:{caller}"], args=[self.rate, self.burst]))
        except redis.RedisError as err:
            log.warning("requests are not rate limited while Redis cannot answer: %s", err)
            return
        if wait > 0:
            raise TooManyRequests(f"Too many requests from {who.name}; send again in {wait} s.", retry_after=wait)
