"""Per-token request limits for every API endpoint (the comments API adds a comment limit).

Counted in fixed windows in the default cache, which is Redis whenever ``REDIS_URL`` is set,
so the limits hold across every web process: one counter per token and window, raised with
one round trip to Redis per request. While Redis does not answer, the cache counts in each
process's memory (``haip_portal.cache``): the limits still hold, per process, and no request
fails because the counter is out of reach. Kept apart from ``haip_portal.api`` because DRF loads
throttle classes while its views module is still being imported.
"""

import contextlib
import time
from typing import Any

from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from .cache import FallbackRedisCache


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
    if isinstance(cache, FallbackRedisCache):
        used = cache.count(window_key, cost, timeout)  # atomic across processes
    else:
        cache.add(window_key, 0, timeout=timeout)
        used = cache.incr(window_key, cost)
    return used, window_key, seconds_left


def window_refund(window_key: str, cost: int) -> None:
    """Take back ``cost`` from a window counted by :func:`window_charge`; nothing to take back
    once the counter is gone (its window ended, or it was counted in Redis and Redis has
    stopped answering since)."""
    with contextlib.suppress(ValueError):  # the cache's answer for a counter that is gone
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
