"""DRF permission classes of the accounts app."""

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from .. import permissions
from ..models import ApiToken


class HasTokenScope(BasePermission):
    """A request made with an API token needs every scope in the view's ``required_scopes``.

    Requests without a token (a signed-in browser session, or anonymous ones that other
    permission classes deal with) pass: scopes limit tokens, not people.
    """

    message: str | Promise = gettext_lazy(
        "This token does not have the scope this endpoint requires."
    )

    def has_permission(self, request: Request, view: APIView) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        required: Iterable[str] | None = getattr(view, "required_scopes", None)
        if required is None:
            raise ImproperlyConfigured(
                f"{type(view).__name__} uses HasTokenScope but declares no required_scopes."
            )
        missing = permissions.token_scopes_missing(token, required)
        if missing:
            self.message = ngettext(
                "This token lacks the scope this endpoint requires: %(missing)s.",
                "This token lacks the scopes this endpoint requires: %(missing)s.",
                len(missing),
            ) % {"missing": ", ".join(missing)}
            return False
        return True
