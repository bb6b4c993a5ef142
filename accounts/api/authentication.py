"""How API clients authenticate: ``Authorization: Bearer haip_<prefix>_<secret>``."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from haip_portal.exceptions import ApplicationError

from .. import permissions, services
from ..models import ApiToken


class BearerTokenAuthentication(BaseAuthentication):
    """Authenticates a personal API token; ``request.auth`` is then the ApiToken, whose
    scopes views check with ``HasTokenScope``. The user holds the powers that need two-factor
    authentication only if the token was created in a session that passed it.

    A request without a Bearer header is left to the next authentication class; a Bearer
    header with a bad token is refused (401) with the reason, never silently ignored.
    """

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) == 1:
            raise AuthenticationFailed(_("Invalid Authorization header: no token after Bearer."))
        if len(parts) > 2:
            raise AuthenticationFailed(
                _("Invalid Authorization header: the token must not contain spaces.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise AuthenticationFailed(
                _("Invalid Authorization header: the token has non-ASCII characters.")
            ) from error
        try:
            token = services.api_token_check(raw=raw)
        except ApplicationError as error:
            raise AuthenticationFailed(error.message) from error
        permissions.record_authentication(token.user, two_factor=token.two_factor)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
