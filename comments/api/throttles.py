"""Per-token limits: requests, and comments (a 1,000-item request costs 1,000).

Counted in the default cache, which is Redis whenever ``REDIS_URL`` is set, so the limits
hold across every web process.
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from haip_portal.throttles import (
    ApiRequestThrottle,
    throttle_identity,
    window_charge,
    window_refund,
)

__all__ = ["ApiCommentThrottle", "ApiRequestThrottle"]


class ApiCommentThrottle(SimpleRateThrottle):
    """Comments per token in fixed windows; the view says what a request costs
    (``comment_cost(request)``), so one bulk request of 1,000 costs 1,000."""

    scope = "api_comments"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": throttle_identity(request)}

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method != "POST" or not hasattr(view, "comment_cost"):
            return True
        cost = view.comment_cost(request)
        return cost <= 0 or self.charge(request, view, cost)

    def charge(self, request: Request, view: Any, cost: int) -> bool:
        """Count ``cost`` comments against the token's limit; False (and nothing counted)
        when that would exceed it. Views whose cost is known only later call this."""
        limit, duration = self.parse_rate(self.get_rate())
        assert limit is not None and duration is not None
        key = self.get_cache_key(request, view)
        assert key is not None
        used, window_key, self.wait_seconds = window_charge(key, cost, duration)
        if used > limit:
            window_refund(window_key, cost)  # a refused request costs nothing
            return False
        return True

    def wait(self) -> float | None:
        return getattr(self, "wait_seconds", None)
