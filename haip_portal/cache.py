"""The shared cache: Redis, with a per-process fallback while Redis does not answer.

What the portal keeps in the cache is counters and short-lived markers: the API's request and
comment limits (``haip_portal.api.throttles``), allauth's sign-in limits and the record of TOTP
codes already used. None of it is the only copy of anything, so when Redis stops answering
(refused, reset, timed out) the cache carries on in this process's memory instead of failing
the request: every limit still holds, counted per web process rather than across all of them,
until Redis answers again. The outage is logged once when it starts and once when it ends.

After a failure Redis is not asked again for ``RETRY_SECONDS``, so a Redis that is down costs
one connection attempt per process every few seconds, not one per cache call.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "Redis does not answer" means: refused, reset, unreachable, timed out, still loading its
# data after a restart (BusyLoadingError is a ConnectionError). Errors that Redis answered
# with (a wrong command, out of memory) are not outages and are raised as usual.
REDIS_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0

T = TypeVar("T")


class _Outage:
    """Whether Redis at one address is being skipped, shared by the threads of a process
    (Django makes one cache object per thread)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.down = False

    def skipping(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self, location: str, error: Exception) -> None:
        with self.lock:
            self.down_until = time.monotonic() + RETRY_SECONDS
            started, self.down = not self.down, True
        if started:
            logger.warning(
                "Redis cache at %s does not answer (%s): counting limits in this process "
                "until it does",
                location,
                error,
            )

    def answered(self, location: str) -> None:
        if not self.down:
            return
        with self.lock:
            ended, self.down = self.down, False
        if ended:
            logger.warning("Redis cache at %s answers again", location)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_of(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class FallbackRedisCache(RedisCache):
    """Django's Redis cache that answers from this process's memory while Redis does not.

    Same interface and semantics as ``RedisCache``; reads during an outage see only what this
    process wrote during it. ``ping()`` asks Redis itself, for the readiness check.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._outage = _outage_of(self._location)
        # LocMemCache keeps its data in a module-level dict by name: one store per process.
        self._local = LocMemCache(
            f"redis-fallback:{self._location}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 10_000},
            },
        )

    def _either(self, remote: Callable[[], T], local: Callable[[], T]) -> T:
        if self._outage.skipping():
            return local()
        try:
            result = remote()
        except REDIS_UNAVAILABLE as error:
            self._outage.failed(self._location, error)
            return local()
        self._outage.answered(self._location)
        return result

    def _client(self, key: str | None = None) -> Any:
        """The redis-py client Django's backend writes with (it has no public way to it)."""
        return self._cache.get_client(key, write=True)  # type: ignore[attr-defined]

    def ping(self) -> bool:
        """Ask Redis itself (never the fallback); raises what redis-py raises."""
        return bool(self._client().ping())

    def count(self, key: str, delta: int, timeout: int) -> int:
        """Add ``delta`` to the integer at ``key`` and return the sum; a new key starts from 0
        and expires after ``timeout`` seconds. Atomic across processes, in one round trip."""

        def remote() -> int:
            name = self.make_and_validate_key(key)
            # Created with its expiry if new, then raised. A plain integer, as Django's cache
            # stores ints, so get() and incr() read the same value. (Django's backend has no
            # call sending two commands at once.)
            pipeline = self._client(name).pipeline(transaction=False)
            pipeline.set(name, 0, ex=timeout, nx=True)
            pipeline.incrby(name, delta)
            return int(pipeline.execute()[1])

        def local() -> int:
            self._local.add(key, 0, timeout=timeout)
            return self._local.incr(key, delta)

        return self._either(remote, local)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._either(
            lambda: RedisCache.add(self, key, value, timeout, version),
            lambda: self._local.add(key, value, timeout, version),
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._either(
            lambda: RedisCache.get(self, key, default, version),
            lambda: self._local.get(key, default, version),
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._either(
            lambda: RedisCache.set(self, key, value, timeout, version),
            lambda: self._local.set(key, value, timeout, version),
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._either(
            lambda: RedisCache.touch(self, key, timeout, version),
            lambda: self._local.touch(key, timeout, version),
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._either(
            lambda: RedisCache.delete(self, key, version),
            lambda: self._local.delete(key, version),
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[str, Any]:
        return self._either(
            lambda: RedisCache.get_many(self, keys, version),
            lambda: self._local.get_many(keys, version),
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._either(
            lambda: RedisCache.has_key(self, key, version),
            lambda: self._local.has_key(key, version),
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._either(
            lambda: RedisCache.incr(self, key, delta, version),
            lambda: self._local.incr(key, delta, version),
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._either(
            lambda: RedisCache.set_many(self, data, timeout, version),
            lambda: self._local.set_many(data, timeout, version),
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._either(
            lambda: RedisCache.delete_many(self, keys, version),
            lambda: self._local.delete_many(keys, version),
        )

    def clear(self) -> None:
        self._either(
            lambda: RedisCache.clear(self),
            lambda: self._local.clear(),
        )
