"""The address that links in e-mails start with.

Where a request is being served, its own scheme and host (as Django checked it against
``ALLOWED_HOSTS``): an e-mail queued by that request and sent inside it (tasks run in-process
in development) points to the site the reader is using, whatever its port. Elsewhere, as in a
Celery worker, the configured ``SITE_URL``.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_origin: ContextVar[str] = ContextVar("request_origin", default="")


def site_url(path: str = "/") -> str:
    """The absolute address of ``path`` on this site."""
    origin = _origin.get() or settings.SITE_URL
    return origin.rstrip("/") + path


class RequestOriginMiddleware:
    """Remember, while a request is served, the origin it was made to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
