"""Request-size limits of the API, answered in its error shape, and request bodies sent chunked.

``ApiBodySizeMiddleware`` (Django middleware) refuses an API body over its limit before any view
reads it; ``ChunkedBodyMiddleware`` (WSGI middleware, wrapped round the application in
``haip_portal/wsgi.py``) reads a body sent without ``Content-Length`` whole, within the same
limits.
"""

import json
import tempfile
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from .errors import API_PREFIX, error_body, too_large_body

# Endpoints that take files: bulk uploads, and position papers uploaded before their comments.
UPLOAD_SUFFIXES = ("/bulk-submissions/", "/api/v1/papers/")


def api_body_limit(path: str) -> int:
    """The largest body, in bytes, an API request to ``path`` may carry."""
    if path.endswith(UPLOAD_SUFFIXES):
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
                return JsonResponse(too_large_body(limit), status=413)
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
                return _json_answer(start_response, 413, too_large_body(limit))
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
