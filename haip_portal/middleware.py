"""Middleware every app relies on."""

from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers

CONFIDENTIAL = "_haip_confidential"

R = TypeVar("R", bound=HttpResponseBase)


def mark_confidential(response: R) -> R:
    """Mark ``response`` as carrying confidential material (a confidential, hidden or
    withdrawn comment, a working group's digest…): no browser or shared cache may store it,
    whoever asked. Returns the response."""
    setattr(response, CONFIDENTIAL, True)
    return response


class PrivateResponseMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in request (a session, or an
    API token once the API view has authenticated it) and on every response marked with
    :func:`mark_confidential`; anonymous public pages keep whatever caching they had.

    Place it after the authentication middleware; its answer is decided once the view has
    run, so an API token counts as signed in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or getattr(response, CONFIDENTIAL, False):
            add_never_cache_headers(response)
        return response
