"""Safe retries for API writes: the ``Idempotency-Key`` header.

The same key with the same request gets the first response again; the same key with a
different request is refused (422); a retry while the first request is still running is told
to wait (409). Records are kept at least until the comment period concerned has closed, so a
client may retry for as long as it could have filed.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from haip_portal.api import error_body

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
MINIMUM_KEEP = timedelta(days=7)

Handler = Callable[..., Response]


def _fingerprint(request: Request) -> str:
    """What makes two requests the same: method, path and body. An upload is hashed part by
    part, as parsed, because it may be larger than Django keeps in memory as ``request.body``
    (``DATA_UPLOAD_MAX_MEMORY_SIZE``, which reading it there would turn into a 413)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    if not request.content_type.startswith("multipart/form-data"):
        digest.update(request.body)
        return digest.hexdigest()
    for name, values in sorted(request.POST.lists()):
        for value in values:
            digest.update(f"field {len(name)}:{name} {len(value)}:{value}\n".encode())
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            digest.update(f"file {len(name)}:{name} {upload.name} {upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def idempotent(
    keep_until: Callable[..., datetime | None] | None = None,
) -> Callable[[Handler], Handler]:
    """Decorate a POST handler of an APIView. ``keep_until(*args, **kwargs)`` may name the end
    of the comment period the request concerns; records live at least that long."""

    def decorator(handler: Handler) -> Handler:
        @wraps(handler)
        def wrapped(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            key = request.headers.get(HEADER, "")
            if not key or not request.user.is_authenticated:
                return handler(view, request, *args, **kwargs)
            if len(key) > MAX_KEY_LENGTH:
                return Response(
                    error_body(
                        "invalid_idempotency_key",
                        f"The {HEADER} header is limited to {MAX_KEY_LENGTH} characters.",
                    ),
                    status=400,
                )
            fingerprint = _fingerprint(request)
            now = timezone.now()
            until = keep_until(*args, **kwargs) if keep_until else None
            expires_at = max(now + MINIMUM_KEEP, (until or now) + timedelta(days=1))
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=request.user, key=key, fingerprint=fingerprint, expires_at=expires_at
                    )
            except IntegrityError:
                return _replay(request, key, fingerprint)
            try:
                response = handler(view, request, *args, **kwargs)
            except Exception:
                record.delete()  # nothing was stored: let the client try again
                raise
            if response.status_code >= 500:
                record.delete()
                return response
            record.state = IdempotencyRecord.State.DONE
            record.response_status = response.status_code
            record.response_body = response.data
            record.save(update_fields=["state", "response_status", "response_body"])
            return response

        return wrapped

    return decorator


def _replay(request: Request, key: str, fingerprint: str) -> Response:
    record = IdempotencyRecord.objects.get(user=request.user, key=key)  # type: ignore[misc]
    if record.fingerprint != fingerprint:
        return Response(
            error_body(
                "idempotency_key_reused",
                f"This {HEADER} was used for a different request; use a new key.",
            ),
            status=422,
        )
    if record.state == IdempotencyRecord.State.IN_PROGRESS:
        return Response(
            error_body(
                "request_in_progress",
                f"A request with this {HEADER} is still being processed; retry shortly.",
            ),
            status=409,
            headers={"Retry-After": "1"},
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    """Delete records past their keeping time; run by beat."""
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted
