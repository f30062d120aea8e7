import secrets

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import SimpleRateThrottle

# DRF's sliding log of one principal's requests, kept in Redis as a sorted set (member: a
# request, score: its time) and updated by one script in one round trip. DRF's own log
# is a list read and written back whole, two round trips that also unpickle and pickle
# every request of the window: a busy key at 1,200 a minute moved 1,200 timestamps
# each way on every request (docs/performance.md).
SLIDING_LOG = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('EXPIRE', KEYS[1], window)
    return {1, count + 1, ''}
end
return {0, count, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
"""


class PrincipalRateThrottle(SimpleRateThrottle):
    """One budget per API key, and one per signed-in user for the browser's calls.

    The rate is read per request (`API_THROTTLE_RATE`), so an operator can change
    it without a release and a test can lower it. With Redis as the cache the log is
    a sorted set updated by `SLIDING_LOG` (the same rule as DRF's: the requests of
    the last window, a refused one not counted); any other cache keeps DRF's list.
    """

    scope = "api"

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.store = caches[DEFAULT_CACHE_ALIAS]
        if self.rate is None or not isinstance(self.store, RedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        key = self.store.make_and_validate_key(f"{self.key}:log")
        # The cache's own client (Django's Redis backend offers no public one): the
        # throttle shares its connection pool.
        client = self.store._cache.get_client(key, write=True)
        request_id = f"{self.now}:{secrets.token_hex(4)}"
        allowed, self.logged, oldest = client.eval(
            SLIDING_LOG, 1, key, self.now, self.duration, self.num_requests, request_id
        )
        self.oldest = float(oldest) if oldest else None
        return bool(allowed)

    def wait(self) -> float | None:
        """DRF's advice, from the sorted set's size and oldest entry."""
        if not isinstance(self.store, RedisCache):
            return super().wait()
        remaining = self.duration - (self.now - self.oldest) if self.oldest else self.duration
        available = self.num_requests - self.logged + 1
        return remaining / available if available > 0 else None

    def get_cache_key(self, request, view) -> str | None:
        if hasattr(request.auth, "allows"):
            return f"throttle:api:key:{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"throttle:api:user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
