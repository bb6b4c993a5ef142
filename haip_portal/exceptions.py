"""The one family of errors a domain rule raises, each carrying the HTTP status it answers.

Services, selectors and the API plumbing raise them; nothing below the views knows about
responses. They are mapped to HTTP in one place per kind of client: the API's exception
handler (``haip_portal.api.errors.exception_handler``) answers them in the API's error shape,
and the pages answer them as ``haip_portal.errors`` says (a 403 or 404 page, or the message
beside the form or at the top of the page the user is sent back to).

=================  ======  =========================  ======================================
class              status  API ``code``               page
=================  ======  =========================  ======================================
ApplicationError   422     ``invalid``                the message, beside the form field
NotAllowed         403     ``permission_denied``      the 403 page, with the message
NotFound           404     ``not_found``              the 404 page (nothing said about why)
Conflict           409     ``conflict``               the message
=================  ======  =========================  ======================================

``NotAllowed`` is also Django's ``PermissionDenied`` and ``NotFound`` Django's ``Http404``, so
that Django, DRF and the admin treat them as they treat their own.
"""

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import Http404


class ApplicationError(Exception):
    """A domain rule refused an action; the message is safe to show to the user.

    ``field`` names the input the problem is about, when there is one, so forms and the API
    can attach the message to it. ``extra`` adds keys to the API's error body (a duplicate's
    ``reference``, say). ``code`` replaces the class's API code where a client needs to tell
    one refusal from another (``idempotency_key_reused``).
    """

    status: ClassVar[int] = 422
    default_code: ClassVar[str] = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}
        self.code = code or self.default_code


class NotAllowed(ApplicationError, PermissionDenied):
    """The user may not do this (a role or ownership they do not hold): 403."""

    status = 403
    default_code = "permission_denied"


class NotFound(ApplicationError, Http404):
    """There is no such thing for this user (missing, or hidden from them alike): 404.

    The message is for logs and tests: the answer says only "Not found.", so a 404 tells
    nobody whether something exists that they may not see.
    """

    status = 404
    default_code = "not_found"


class Conflict(ApplicationError):
    """The request clashes with the state of what it concerns (a retry while the first
    request runs, say): 409. ``retry_after`` (seconds) says when trying again may succeed."""

    status = 409
    default_code = "conflict"

    def __init__(self, message: str, *, retry_after: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
