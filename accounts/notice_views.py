"""The new-version e-mails, turned off or on: from the link at the foot of each (a signed
token, no sign-in needed) or by a signed-in person."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haip_portal.exceptions import ApplicationError

from . import services
from .models import User


@never_cache
@require_http_methods(["GET", "POST"])
def version_notices(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token") or request.GET.get("token") or ""
    try:
        user = _whose(request, token)
    except ApplicationError as error:
        return render(request, "accounts/notices.html", {"error": error.message}, status=400)
    if user is None:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        on = request.POST.get("notify") == "on"
        services.notices_set(user=user, on=on)
        messages.success(
            request,
            _("You will be told when a draft you commented on has a new version.")
            if on
            else _("You will no longer be e-mailed about new versions."),
        )
        return redirect(f"{request.path}?token={token}" if token else request.path)
    return render(request, "accounts/notices.html", {"person": user, "token": token})


def _whose(request: HttpRequest, token: str) -> User | None:
    if token:
        return services.user_for_notices_token(token)
    if request.user.is_authenticated:
        return request.user
    return None
