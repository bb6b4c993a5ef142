from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.middleware import get_user
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from . import permissions
from .models import User

# Pages that exist only for roles that need two-factor authentication: someone in such a
# role who has not passed it is sent straight to set it up (or to enter a code), rather than
# being refused. The powers themselves are decided in accounts.permissions, whatever the URL.
SECRETARIAT_PREFIXES = ("/secretariat/", "/admin/")


def session_passed_two_factor(request: HttpRequest, user: User) -> bool:
    """Whether the signed-in session of ``user`` passed a second factor (allauth records
    every authentication step of a session: a TOTP or recovery code is ``"mfa"``)."""
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


class TwoFactorMiddleware:
    """Records on the request's user whether the session passed two-factor authentication
    (:func:`accounts.permissions.record_authentication`), so that every page and session API
    call holds exactly the powers :mod:`accounts.permissions` grants; the user is still
    loaded lazily, on first use.

    A secretariat or staff account that has not passed it is sent from the secretariat's
    pages and the admin to set up an authenticator, or to enter a code if it has one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = SimpleLazyObject(lambda: self._user(request))  # type: ignore[assignment]
        if request.path.startswith(SECRETARIAT_PREFIXES) and permissions.lacks_two_factor(
            request.user
        ):
            return self._ask_for_two_factor(request)
        return self.get_response(request)

    @staticmethod
    def _user(request: HttpRequest) -> object:
        user = get_user(request)
        if user.is_authenticated:
            permissions.record_authentication(
                user, two_factor=session_passed_two_factor(request, user)
            )
        return user

    @staticmethod
    def _ask_for_two_factor(request: HttpRequest) -> HttpResponse:
        if is_mfa_enabled(request.user):
            messages.info(
                request,
                _("Enter a code from your authenticator app to use the secretariat's pages."),
            )
            response = redirect("mfa_reauthenticate")
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
            return response
        messages.warning(
            request,
            _(
                "Secretariat accounts need two-factor authentication. Set up an authenticator "
                "app to continue."
            ),
        )
        return redirect("mfa_activate_totp")


class UserLanguageMiddleware:
    """Serves a signed-in person in the language they chose with the language switch
    (``User.language``), from any browser; others keep the language ``LocaleMiddleware``
    chose (the switch's cookie, else the browser's ``Accept-Language``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        language = getattr(user, "language", "") if user.is_authenticated else ""
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
