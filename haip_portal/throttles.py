"""Per-token request limits for every API endpoint (the comments API adds a comment limit).

Counted in the default cache, which is Redis whenever ``REDIS_URL`` is set, so the limits
hold across every web process. Kept apart from ``haip_portal.api`` because DRF loads throttle
classes while its views module is still being imported.
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


def throttle_identity(request: Request) -> str:
    """Whom a limit counts: the token, else the signed-in user, else anonymous."""
    token = request.auth
    if token is not None and hasattr(token, "pk"):
        return f"token:{token.pk}"
    return f"user:{request.user.pk}" if request.user.is_authenticated else "anon"


class ApiRequestThrottle(SimpleRateThrottle):
    """Requests per token (or signed-in user, or client address for anonymous reads)."""

    scope = "api_requests"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        identity = throttle_identity(request)
        if identity == "anon":
            identity = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": identity}
