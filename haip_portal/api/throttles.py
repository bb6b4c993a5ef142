"""Per-token limits of the API: requests, on every endpoint, and comments, on the endpoints
that file them (a 1,000-item request costs 1,000).

Counted in fixed windows in the default cache, which is Redis whenever ``REDIS_URL`` is set,
so the limits hold across every web process: one counter per token and window, raised with
one round trip to Redis per request. While Redis does not answer, the cache counts in each
process's memory (``haip_portal.cache``): the limits still hold, per process, and no request
fails because the counter is out of reach. Imports no DRF views: DRF loads throttle classes
while its views module is still being imported.
"""

import contextlib
import hashlib
import time
from collections.abc import Mapping
from typing import Any

from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from haip_portal.cache import FallbackRedisCache


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


class ApiCommentThrottle(SimpleRateThrottle):
    """Comments in fixed windows, counted twice: per token (``api_comments``), and per
    organisation the comments are filed for, whichever tokens of its members file them
    (``api_organisation_comments``; an individual counts as their own). The view says what a
    request costs (``comment_cost(request)``: one bulk request of 1,000 costs 1,000) and for
    whom (``comment_organisations(request)``: cost by organisation)."""

    scope = "api_comments"
    organisation_scope = "api_organisation_comments"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": throttle_identity(request)}

    def organisation_key(self, request: Request, organisation: str) -> str:
        """The counter of ``organisation`` (a slug as the items give it, hashed: it is not
        checked yet), or of the person filing when it is ``""``."""
        if organisation:
            ident = "org:" + hashlib.sha256(organisation.encode()).hexdigest()[:32]
        else:
            ident = f"person:{request.user.pk}"
        return self.cache_format % {"scope": self.organisation_scope, "ident": ident}

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method != "POST" or not hasattr(view, "comment_cost"):
            return True
        cost = view.comment_cost(request)
        if cost <= 0:
            return True
        counted_by: Any = getattr(view, "comment_organisations", lambda request: {})
        organisations: Mapping[str, int] = counted_by(request)
        return self.charge(request, view, cost, organisations)

    def charge(
        self, request: Request, view: Any, cost: int, organisations: Mapping[str, int]
    ) -> bool:
        """Count ``cost`` comments against the token's limit and each organisation's share of
        them (``organisations``: cost by organisation) against its own; False, and nothing
        counted anywhere, when any of them would exceed its limit. Views whose cost is known
        only later call this."""
        charges = [(self.get_cache_key(request, view), cost, self.get_rate())]
        rate = self.THROTTLE_RATES.get(self.organisation_scope)
        if rate:
            charges += [
                (self.organisation_key(request, name), share, rate)
                for name, share in sorted(organisations.items())
                if share > 0
            ]
        counted: list[tuple[str, int]] = []
        for key, amount, window_rate in charges:
            limit, duration = self.parse_rate(window_rate)
            assert key is not None and limit is not None and duration is not None
            used, window_key, seconds_left = window_charge(key, amount, duration)
            counted.append((window_key, amount))
            if used > limit:
                for counted_key, counted_amount in counted:  # a refused request costs nothing
                    window_refund(counted_key, counted_amount)
                self.wait_seconds = seconds_left
                return False
        return True

    def wait(self) -> float | None:
        return getattr(self, "wait_seconds", None)
