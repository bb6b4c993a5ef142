"""Wiring shared by every endpoint under ``/api/v1/``: one JSON error shape, cursor pagination,
and the request-size limit answered as JSON.

Every error has the same body::

    {"code": "validation_error", "message": "…", "errors": {"field": ["…"]}}
"""

import json
import tempfile
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import availability
from .exceptions import ApplicationError

API_PREFIX = "/api/"
UPLOAD_SUFFIX = "/bulk-submissions/"


def error_body(code: str, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "errors": errors or {}}


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
        message = general[0] if general else "The request has invalid fields."
        return message, errors
    if isinstance(detail, list):
        return (str(detail[0]) if detail else "Invalid request."), {}
    return str(detail), {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map every failure to the one error shape: a dependency that is down is a 503 with
    ``Retry-After`` (``haip_portal.availability``); unknown exceptions stay 500s (logged)."""
    if isinstance(exc, ApplicationError):
        errors = {exc.field: [exc.message]} if exc.field else {}
        body = error_body("invalid", exc.message, errors)
        body.update(exc.extra)
        status = exc.extra.get("status", 422) if isinstance(exc.extra, dict) else 422
        body.pop("status", None)
        return Response(body, status=status)
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
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        return Response(_too_large_body(), status=413)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    code = exc.get_codes() if not isinstance(exc.get_codes(), dict | list) else None
    if isinstance(exc, exceptions.ValidationError):
        code = "validation_error"
    message, errors = _flatten(exc.detail)
    response.data = error_body(str(code or exc.default_code), message, errors)
    return response


def _too_large_body(limit: int | None = None) -> dict[str, Any]:
    limit = limit or settings.API_MAX_BODY_BYTES
    return error_body(
        "request_too_large",
        f"The request body is over {limit:,} bytes. Send at most 1,000 comments per request, "
        "or upload a file as a bulk submission.",
    )


def api_body_limit(path: str) -> int:
    """The largest body, in bytes, an API request to ``path`` may carry."""
    if path.endswith(UPLOAD_SUFFIX):
        return int(settings.API_MAX_UPLOAD_BYTES)
    return int(settings.API_MAX_BODY_BYTES)


class ApiBodySizeMiddleware:
    """Refuse oversized API bodies up front with a JSON 413 (Django's own limit says 400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = api_body_limit(request.path)
            if length > limit:
                return JsonResponse(_too_large_body(limit), status=413)
        return self.get_response(request)


class ChunkedBodyMiddleware:
    """WSGI middleware: a request body sent chunked (``Transfer-Encoding: chunked``, no
    ``Content-Length``) is read in full and handed on with its length, so every view sees it.

    Django reads exactly ``Content-Length`` bytes of a body, so without this it reads a chunked
    body as empty. A server that de-chunks the body and ends the input stream there says so
    with ``wsgi.input_terminated`` (gunicorn does, for every request); under one that does not
    (``runserver``) the body cannot be told from the connection, and the request is answered
    411 Length Required. The body is read up to the same limits as a declared one (413 above,
    in the API's error shape under ``/api/``), into memory or, past
    ``FILE_UPLOAD_MAX_MEMORY_SIZE``, a temporary file.
    """

    def __init__(self, application: Callable[..., Any]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked or environ.get("CONTENT_LENGTH"):
            return self.application(environ, start_response)
        path = environ.get("PATH_INFO", "")
        if not environ.get("wsgi.input_terminated"):
            return _plain_error(
                start_response,
                path,
                411,
                "length_required",
                "This server cannot read a chunked request body: send the body with a "
                "Content-Length header.",
            )
        limit = api_body_limit(path) if path.startswith(API_PREFIX) else _page_body_limit()
        body = _read_body(environ["wsgi.input"], limit)
        if body is None:
            if path.startswith(API_PREFIX):
                return _json_answer(start_response, 413, _too_large_body(limit))
            return _plain_error(
                start_response, path, 413, "request_too_large", "The request body is too large."
            )
        environ = {**environ, "wsgi.input": body, "CONTENT_LENGTH": str(body.tell())}
        del environ["HTTP_TRANSFER_ENCODING"]
        body.seek(0)
        return _ClosingBody(self.application(environ, start_response), body)


def _read_body(stream: Any, limit: int) -> Any:
    """The whole of ``stream`` in a spooled file left at its end, or None (and nothing kept)
    if it holds more than ``limit`` bytes."""
    body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115 - closed with the response
    size = 0
    while size <= limit:
        block = stream.read(min(64 * 1024, limit + 1 - size))
        if not block:
            return body
        body.write(block)
        size += len(block)
    body.close()
    return None


class _ClosingBody:
    """A WSGI response that also closes the request body it was given, when it is closed."""

    def __init__(self, response: Any, body: Any) -> None:
        self.response = response
        self.body = body

    def __iter__(self) -> Any:
        return iter(self.response)

    def close(self) -> None:
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.body.close()


def _page_body_limit() -> int:
    return max(int(settings.API_MAX_UPLOAD_BYTES), int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))


def _json_answer(start_response: Callable[..., Any], status: int, body: dict[str, Any]) -> Any:
    content = json.dumps(body).encode()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(content)))],
    )
    return [content]


def _plain_error(
    start_response: Callable[..., Any], path: str, status: int, code: str, message: str
) -> Any:
    """An answer given before Django sees the request: the API's error shape under /api/,
    plain text elsewhere."""
    if path.startswith(API_PREFIX):
        return _json_answer(start_response, status, error_body(code, message))
    content = message.encode()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(content)))],
    )
    return [content]


class Pagination(CursorPagination):
    """Stable cursors over a growing list: a page never repeats or skips a comment."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"


ERROR_SCHEMA = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)
