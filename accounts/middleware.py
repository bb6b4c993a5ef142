from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from . import permissions

SECRETARIAT_PREFIXES = ("/secretariat/", "/admin/")


class SecretariatMfaMiddleware:
    """Secretariat pages are reachable only once the user has two-factor authentication.

    A secretariat account without an authenticator is sent to set one up before any page under
    ``/secretariat/`` or ``/admin/``; every other page works as usual.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(SECRETARIAT_PREFIXES)
            and permissions.requires_mfa(request.user)
            and not is_mfa_enabled(request.user)
        ):
            messages.warning(
                request,
                "Secretariat accounts need two-factor authentication. "
                "Set up an authenticator app to continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
