"""Safe retries for API writes: the ``Idempotency-Key`` header.

The same key with the same request gets the first response again; the same key with a
different request is refused (422, an ``ApplicationError``); a retry while the first request is
still running is told to wait (409, a ``Conflict``). Records are kept at least until the
comment period concerned has closed, so a client may retry for as long as it could have filed.

A request holds its key under a lease (``IDEMPOTENCY_LEASE_SECONDS``, longer than any request
may run). If the process running it dies (a killed or timed-out web worker), nothing it did
was committed: its writes and the record of its answer commit in one transaction. Once the
lease has run out, the next retry takes the key over (one retry only, by a conditional
update) and runs the request again. A request that outlives its lease and finds its key taken
over rolls its writes back, so the request takes effect once, whichever attempt commits.
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from haip_portal.exceptions import ApplicationError, Conflict

from .errors import error_body
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
MINIMUM_KEEP = timedelta(days=7)
# A record that vanishes between our failed insert and our read (its request failed and gave
# the key back) is inserted again; this many tries settle any such race.
CLAIM_TRIES = 3

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


def _lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS)


def idempotent(
    keep_until: Callable[..., datetime | None] | None = None,
) -> Callable[[Handler], Handler]:
    """Decorate a POST handler of an APIView. ``keep_until(*args, **kwargs)`` may name the end
    of the comment period the request concerns; records live at least that long.

    The handler runs inside one transaction with the recording of its answer: it must not
    commit on its own (services' ``transaction.atomic`` blocks nest as savepoints)."""

    def decorator(handler: Handler) -> Handler:
        @wraps(handler)
        def wrapped(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            key = request.headers.get(HEADER, "")
            if not key or not request.user.is_authenticated:
                return handler(view, request, *args, **kwargs)
            if len(key) > MAX_KEY_LENGTH:  # a malformed header: a bad request, not a refusal
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
            claimed = _claim(request, key, fingerprint, expires_at)
            if isinstance(claimed, Response):
                return claimed  # the first attempt's answer, replayed
            return _run(claimed, lambda: handler(view, request, *args, **kwargs))

        return wrapped

    return decorator


def _claim(
    request: Request, key: str, fingerprint: str, expires_at: datetime
) -> IdempotencyRecord | Response:
    """The record this attempt now holds the lease of, or the first attempt's answer to give
    instead. Refuses (``ApplicationError``, 422) a key used for another request, and asks to
    wait (``Conflict``, 409) while a live attempt holds the key."""
    for _attempt in range(CLAIM_TRIES):
        token = secrets.token_hex(16)
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(  # type: ignore[misc]
                    user=request.user,
                    key=key,
                    fingerprint=fingerprint,
                    expires_at=expires_at,
                    lease_token=token,
                    lease_expires_at=_lease_until(timezone.now()),
                )
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()  # type: ignore[misc]
        if record is None:
            continue  # the attempt holding it failed and gave the key back: insert again
        if record.fingerprint != fingerprint:
            raise ApplicationError(
                _("This %(header)s was used for a different request; use a new key.")
                % {"header": HEADER},
                code="idempotency_key_reused",
            )
        if record.state == IdempotencyRecord.State.DONE:
            return _replayed(record)
        if idempotency_lease_take_over(record=record, token=token):
            return record
        record.refresh_from_db()  # another attempt holds it, or has just finished
        if record.state == IdempotencyRecord.State.DONE:
            return _replayed(record)
        raise _in_progress()
    raise _in_progress()


def idempotency_lease_take_over(
    *, record: IdempotencyRecord, token: str, now: datetime | None = None
) -> bool:
    """Give ``token`` the lease of an in-progress record whose lease has run out (the attempt
    holding it died). One conditional update decides: of racing retries, exactly one wins.
    On success ``record`` carries the new lease."""
    now = now or timezone.now()
    lapsed = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now)
    lease_until = _lease_until(now)
    taken = (
        IdempotencyRecord.objects.filter(lapsed)
        .filter(
            pk=record.pk,
            state=IdempotencyRecord.State.IN_PROGRESS,
            lease_token=record.lease_token,
        )
        .update(lease_token=token, lease_expires_at=lease_until)
    )
    if taken:
        record.lease_token = token
        record.lease_expires_at = lease_until
    return bool(taken)


def _run(record: IdempotencyRecord, call: Callable[[], Response]) -> Response:
    """Run the handler and record its answer in one transaction, while holding the lease.
    Raises ``Conflict`` (409), with nothing stored, if a retry took the key over meanwhile."""
    superseded = False
    try:
        with transaction.atomic():
            response = call()
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif not _complete(record, response):
                transaction.set_rollback(True)
                superseded = True
    except Exception:
        _release(record)  # nothing was stored: let the client try again
        raise
    if superseded:
        raise _superseded()
    if response.status_code >= 500:
        _release(record)
    return response


def _complete(record: IdempotencyRecord, response: Response) -> bool:
    """Store the answer if this attempt still holds the lease; ``False`` if a retry took the
    key over after the lease ran out (the retry's answer stands)."""
    return bool(
        IdempotencyRecord.objects.filter(
            pk=record.pk, state=IdempotencyRecord.State.IN_PROGRESS, lease_token=record.lease_token
        ).update(
            state=IdempotencyRecord.State.DONE,
            response_status=response.status_code,
            response_body=response.data,
        )
    )


def _release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(
        pk=record.pk, state=IdempotencyRecord.State.IN_PROGRESS, lease_token=record.lease_token
    ).delete()


def _replayed(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def _in_progress() -> Conflict:
    return Conflict(
        _("A request with this %(header)s is still being processed; retry shortly.")
        % {"header": HEADER},
        code="request_in_progress",
        retry_after=1,
    )


def _superseded() -> Conflict:
    return Conflict(
        _(
            "This request ran past its time and a retry with the same %(header)s "
            "took over; nothing was stored by this one. Retry to get the answer."
        )
        % {"header": HEADER},
        code="request_superseded",
        retry_after=1,
    )


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    """Delete records past their keeping time; run by beat."""
    deleted, _by = IdempotencyRecord.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted
