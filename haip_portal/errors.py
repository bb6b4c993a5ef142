"""Error pages: the portal's own layout for people, the API's JSON error shape for clients.

Django calls the handlers below (``handler403``, ``handler404``… in ``haip_portal.urls``) for
an error raised anywhere. This is also where pages answer the domain's typed errors
(``haip_portal.exceptions``): a ``NotAllowed`` is the 403 page and a ``NotFound`` the 404
page, as Django's own ``PermissionDenied`` and ``Http404`` (which they are); any other
``ApplicationError`` is shown where the user acted, beside the form (``show_on_form``) or at
the top of the page they are sent back to (``show_as_message``), and one that no view shows
is the page of its status (``ApplicationErrorMiddleware``).
"""

import sys
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import availability
from .api.errors import API_PREFIX, application_error_body, error_body
from .exceptions import ApplicationError

MESSAGES = {
    400: (
        "bad_request",
        gettext_lazy("Bad request"),
        gettext_lazy("The request could not be understood."),
    ),
    403: (
        "permission_denied",
        gettext_lazy("Not allowed"),
        gettext_lazy("Your account does not have access to this page."),
    ),
    404: (
        "not_found",
        gettext_lazy("Page not found"),
        gettext_lazy("There is nothing at this address."),
    ),
    409: (
        "conflict",
        gettext_lazy("Not possible now"),
        gettext_lazy("This clashes with the state of what it concerns."),
    ),
    422: (
        "invalid",
        gettext_lazy("Not possible"),
        gettext_lazy("The portal could not do what was asked."),
    ),
    500: (
        "server_error",
        gettext_lazy("Something went wrong"),
        gettext_lazy(
            "The portal could not complete the request. It has been logged; please try again."
        ),
    ),
}


def _error(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    code, title, message = MESSAGES[status]
    if request.path.startswith(API_PREFIX):
        api_message = _("Not found.") if status == 404 else (detail or message)
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
        _plain_page(
            _("Something went wrong"),
            _("The portal could not complete the request. It has been logged; please try again."),
        ),
        status=500,
    )


def _plain_page(title: str, message: str) -> str:
    """A page without template or query, in the request's language."""
    return (
        f"<!doctype html><html lang={translation.get_language() or 'en'}><title>"
        f"{escape(title)} · {escape(_('HAIP Consultation Portal'))}</title><main><h1>"
        f"{escape(title)}</h1><p>{escape(message)}</p><p><a href='/'>{escape(_('Home'))}</a>"
        "</p></main>"
    )


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503: the API's JSON error shape under ``/api/``, a plain page elsewhere (no
    template, no query: the database may be what is down)."""
    headers = availability.retry_after_headers()
    if request.path.startswith(API_PREFIX):
        body = error_body(availability.CODE, availability.MESSAGE)
        return JsonResponse(body, status=503, headers=headers)
    return HttpResponse(
        _plain_page(
            _("Briefly unavailable"),
            _("The portal cannot answer right now. Please try again in a few seconds."),
        ),
        status=503,
        headers=headers,
    )


# --- The domain's typed errors on pages -----------------------------------------------


def _answered_by_its_own_page(error: ApplicationError) -> bool:
    """A ``NotAllowed`` or ``NotFound``: Django answers it with ``permission_denied`` or
    ``page_not_found`` above, whichever check refused, so a view never shows it as a note."""
    return isinstance(error, PermissionDenied | Http404)


def show_on_form(
    form: forms.BaseForm, error: ApplicationError, *, fields: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on ``form``: beside the field it names (``fields`` maps the
    service's field names to the form's where they differ), else above the form. A refusal
    that has a page of its own (``NotAllowed``, ``NotFound``) is raised again."""
    if _answered_by_its_own_page(error):
        raise error
    name = (fields or {}).get(error.field or "", error.field)
    form.add_error(name if name in form.fields else None, error.message)


def show_as_message(request: HttpRequest, error: ApplicationError) -> None:
    """Show a service's refusal at the top of the next page the user sees. A refusal that has
    a page of its own (``NotAllowed``, ``NotFound``) is raised again."""
    if _answered_by_its_own_page(error):
        raise error
    messages.error(request, error.message)


class ApplicationErrorMiddleware:
    """The page of an ``ApplicationError`` that no view showed: its status (409, 422) and its
    message in the portal's layout, or the API's error shape under ``/api/``, rather than a
    500. ``NotAllowed`` and ``NotFound`` are left to Django's 403 and 404 handlers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError) or _answered_by_its_own_page(exception):
            return None
        if request.path.startswith(API_PREFIX):
            body = application_error_body(exception)
            return JsonResponse(body, status=exception.status)
        return _error(request, exception.status, exception.message)
