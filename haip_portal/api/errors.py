"""The API's one error shape, and the exception handler that maps every failure to it.

Every error has the same body::

    {"code": "validation_error", "message": "…", "errors": {"field": ["…"]}}
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from haip_portal import availability
from haip_portal.exceptions import ApplicationError, Conflict, NotFound

API_PREFIX = "/api/"
NOT_FOUND = gettext_lazy("Not found.")


def error_body(code: str, message: object, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error shape; the message in the request's language, the code in English."""
    return {"code": code, "message": str(message), "errors": errors or {}}


def field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field": [...], "quote.exact": [...], "0.body": [...]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for name, value in detail.items():
            flat.update(field_errors(value, f"{prefix}{name}."))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(field_errors(item, f"{prefix}{index}."))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix.rstrip(".") or "non_field_errors": [str(message) for message in messages]}


def _flatten(detail: Any) -> tuple[str, dict[str, list[str]]]:
    if isinstance(detail, dict):
        errors = field_errors(detail)
        general = errors.pop("non_field_errors", None)
        message = general[0] if general else _("The request has invalid fields.")
        return message, errors
    if isinstance(detail, list):
        return (str(detail[0]) if detail else _("Invalid request.")), {}
    return str(detail), {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map every failure to the one error shape: an ``ApplicationError`` to the status its class
    carries; a dependency that is down to a 503 with ``Retry-After``
    (``haip_portal.availability``); Django's and DRF's own errors to theirs; unknown exceptions
    stay 500s (logged)."""
    if isinstance(exc, ApplicationError):
        return application_error_response(exc)
    dependency = availability.unavailable_dependency(exc)
    if dependency is not None:
        availability.log_unavailable(context["request"], dependency, exc)
        body = error_body(availability.CODE, availability.MESSAGE)
        return Response(body, status=503, headers=availability.retry_after_headers())
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        return Response(too_large_body(), status=413)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    code = exc.get_codes() if not isinstance(exc.get_codes(), dict | list) else None
    if isinstance(exc, exceptions.ValidationError):
        code = "validation_error"
    message, errors = _flatten(exc.detail)
    response.data = error_body(str(code or exc.default_code), message, errors)
    return response


def application_error_response(error: ApplicationError) -> Response:
    """The answer to a domain rule's refusal: the status and code its class carries, its
    message (attached to the field it names) and its ``extra`` keys. A ``NotFound`` says only
    "Not found.", as every 404 does; a ``Conflict`` says when to retry, if it knows."""
    headers = None
    if isinstance(error, Conflict) and error.retry_after is not None:
        headers = {"Retry-After": str(error.retry_after)}
    return Response(application_error_body(error), status=error.status, headers=headers)


def application_error_body(error: ApplicationError) -> dict[str, Any]:
    """The error shape of an ``ApplicationError`` (see ``application_error_response``)."""
    if isinstance(error, NotFound):
        return error_body(error.code, NOT_FOUND)
    errors = {error.field: [error.message]} if error.field else {}
    return {**error_body(error.code, error.message, errors), **error.extra}


def too_large_body(limit: int | None = None) -> dict[str, Any]:
    """The 413's body: the limit, and what to send instead."""
    limit = limit or settings.API_MAX_BODY_BYTES
    return error_body(
        "request_too_large",
        _(
            "The request body is over %(limit)s bytes. Send at most %(most)s comments per "
            "request, or upload a file as a bulk submission."
        )
        % {
            "limit": number_format(limit, force_grouping=True),
            "most": number_format(1000, force_grouping=True),
        },
    )
