"""The secretariat's pages: the moderation queue and the comment matrix."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from drafts.models import DraftVersion
from haip_portal.errors import show_as_message
from haip_portal.exceptions import ApplicationError

from .. import selectors, services
from ..forms import DispositionForm, ReasonForm
from .shared import (
    View,
    acting_user,
    filtered_list,
    version_asked,
)


def _secretariat(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied("This page is for the secretariat.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@_secretariat(permissions.can_moderate)
def moderation_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "comments/moderation.html",
        {
            "flags": selectors.flags_open(),
            "hidden": selectors.comments_hidden(limit=100),
            "reason_form": ReasonForm(),
        },
    )


@_secretariat(permissions.can_dispose)
@require_http_methods(["GET", "POST"])
def matrix(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Every comment of a version with its disposition; dispose of a selection at once."""
    version = version_asked(request, slug, number)
    if request.method == "POST":
        _dispose_chosen(request, version)
        return redirect(request.get_full_path())
    context = filtered_list(request, version, per_page=100)
    return render(request, "comments/matrix.html", {**context, "form": DispositionForm()})


def _dispose_chosen(request: HttpRequest, version: DraftVersion) -> None:
    form = DispositionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an outcome and write the response.")
        return
    chosen = selectors.comments_chosen(version=version, pks=request.POST.getlist("comments"))
    try:
        done = services.comment_dispose(
            comments=chosen,
            user=acting_user(request),
            outcome=form.cleaned_data["outcome"],
            response=form.cleaned_data["response"],
        )
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, f"Disposition recorded for {len(done)} comment(s).")
