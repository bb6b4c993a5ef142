"""The first-steps panel of the home page for a participant who has not commented yet, and
hiding it."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services as account_services

from ..first_steps import first_steps_for
from .shared import acting_user


def first_steps_page_extension(request: HttpRequest) -> dict[str, Any]:
    """On the home page (``HOME_PAGE_EXTENSIONS``), the first steps for a participant who has
    neither filed a comment nor hidden them."""
    steps = first_steps_for(request.user)
    if steps is None:
        return {}
    return {"home_intro_template": "comments/_first_steps.html", "first_steps": steps}


@require_POST
@login_required
def first_steps_dismiss(request: HttpRequest) -> HttpResponse:
    account_services.first_steps_dismiss(user=acting_user(request))
    messages.success(
        request,
        _("The first steps are hidden. Each draft page says how to comment on a line."),
    )
    return redirect("drafts:home")
