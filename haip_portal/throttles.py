"""Per-token request limits for every API endpoint (the comments API adds a comment limit).

Counted in fixed windows in the default cache, which is Redis whenever ``REDIS_URL`` is set,
so the limits hold across every web process: one counter per token and window, raised with
one round trip to Redis per request. Kept apart from ``haip_portal.api`` because DRF loads
throttle classes while its views module is still being imported.
"""

import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


def throttle_identity(request: Request) -> str:
    """Whom a limit counts: the token, else the signed-in user, else anonymous."""
    token = request.auth
    if token is not None and hasattr(token, "pk"):
        return f"token:{token.pk}"
    return f"user:{request.user.pk}" if request.user.is_authenticated else "anon"


def _clock() -> float:
    return time.time()


def window_charge(key: str, cost: int, duration: int) -> tuple[int, str, float]:
    """Add ``cost`` to the count of ``key`` in the current window of ``duration`` seconds.

    Returns the count with this cost, the window's cache key (to refund it) and the seconds
    until the window ends (when the count starts again from nothing).
    """
    now = _clock()
    window_key = f"{key}:{int(now // duration)}"
    seconds_left = duration - now % duration
    cache = caches["default"]
    timeout = duration + 5  # the window is over before its counter goes
    if isinstance(cache, RedisCache):
        # Created with its expiry if new, then raised: one round trip, atomic across processes.
        # The counter is a plain integer, as Django's cache stores ints, so cache.get() and
        # cache.incr() read the same value. (Django's Redis backend has no public way to its
        # redis-py client, nor any call that sends two commands at once.)
        name = cache.make_and_validate_key(window_key)
        client = cache._cache.get_client(name, write=True)  # type: ignore[attr-defined]
        pipeline = client.pipeline(transaction=False)
        pipeline.set(name, 0, ex=timeout, nx=True)
        pipeline.incrby(name, cost)
        used = int(pipeline.execute()[1])
    else:
        cache.add(window_key, 0, timeout=timeout)
        used = cache.incr(window_key, cost)
    return used, window_key, seconds_left


def window_refund(window_key: str, cost: int) -> None:
    """Take back ``cost`` from a window counted by :func:`window_charge`."""
    caches["default"].decr(window_key, cost)


class ApiRequestThrottle(SimpleRateThrottle):
    """Requests per token (or signed-in user, or client address for anonymous reads), in
    fixed windows of the rate's period: at most the rate's number of requests per window, and
    a refused request is told (``Retry-After``) when its window ends."""

    scope = "api_requests"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        identity = throttle_identity(request)
        if identity == "anon":
            identity = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": identity}

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        limit, duration = self.parse_rate(self.rate)
        assert limit is not None and duration is not None
        # A refused request is counted too: it cannot move the window's end, so nothing is
        # gained by taking it back.
        used, _window_key, self.wait_seconds = window_charge(key, 1, duration)
        return used <= limit

    def wait(self) -> float | None:
        return getattr(self, "wait_seconds", None)
