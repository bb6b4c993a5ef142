"""Error pages: the portal's own layout for people, the API's JSON error shape for clients."""

import sys
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from . import availability
from .api.errors import API_PREFIX, error_body

MESSAGES = {
    400: ("bad_request", "Bad request", "The request could not be understood."),
    403: (
        "permission_denied",
        "Not allowed",
        "Your account does not have access to this page.",
    ),
    404: ("not_found", "Page not found", "There is nothing at this address."),
    500: (
        "server_error",
        "Something went wrong",
        "The portal could not complete the request. It has been logged; please try again.",
    ),
}


def _error(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    code, title, message = MESSAGES[status]
    if request.path.startswith(API_PREFIX):
        api_message = "Not found." if status == 404 else (detail or message)
        return JsonResponse(error_body(code, api_message), status=status)
    return render(
        request,
        "error.html",
        {"status": status, "title": title, "message": detail or message},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    detail = str(exception) if exception and str(exception) else ""
    return _error(request, 403, detail)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's answer to an exception raised anywhere (view, middleware, session save): a 503
    with ``Retry-After`` when a dependency is down (``haip_portal.availability``), else a 500."""
    error = sys.exc_info()[1]
    dependency = availability.unavailable_dependency(error)
    if error is not None and dependency is not None:
        availability.log_unavailable(request, dependency, error)
        return service_unavailable(request)
    if request.path.startswith(API_PREFIX):
        return _error(request, 500)
    # No template context processors here: the database may be what failed.
    return HttpResponse(
        "<!doctype html><html lang=en><title>Something went wrong · HAIP Consultation Portal"
        "</title><main><h1>Something went wrong</h1><p>The portal could not complete the "
        "request. It has been logged; please try again.</p><p><a href='/'>Home</a></p></main>",
        status=500,
    )


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503: the API's JSON error shape under ``/api/``, a plain page elsewhere (no
    template, no query: the database may be what is down)."""
    headers = availability.retry_after_headers()
    if request.path.startswith(API_PREFIX):
        body = error_body(availability.CODE, availability.MESSAGE)
        return JsonResponse(body, status=503, headers=headers)
    return HttpResponse(
        "<!doctype html><html lang=en><title>Briefly unavailable · HAIP Consultation Portal"
        "</title><main><h1>Briefly unavailable</h1><p>The portal cannot answer right now. "
        "Please try again in a few seconds.</p><p><a href='/'>Home</a></p></main>",
        status=503,
        headers=headers,
    )
