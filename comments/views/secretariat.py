"""The secretariat's pages: the moderation queue and the comment matrix."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts import permissions
from accounts import selectors as account_selectors
from drafts.markdown import render_markdown
from drafts.models import DraftVersion
from haip_portal.errors import show_as_message
from haip_portal.exceptions import ApplicationError
from haip_portal.middleware import mark_confidential

from .. import answer_selectors, secretariat_selectors, selectors, services
from ..forms import DispositionForm
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
                raise PermissionDenied(_("This page is for the secretariat."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def home_page_extension(request: HttpRequest) -> dict[str, Any]:
    """For the secretariat, what waits to be done, on the home page (``HOME_PAGE_EXTENSIONS``):
    open consultations with their deadlines and comment counts, comments without a disposition
    per version, reports to moderate and organisations to verify; one query per block."""
    if not permissions.is_secretariat(request.user):
        return {}
    return {
        "home_panel_template": "comments/_secretariat_home.html",
        "open_versions": list(secretariat_selectors.versions_open_with_counts()),
        "unanswered_versions": list(secretariat_selectors.versions_with_comments_unanswered()),
        "flags_waiting": secretariat_selectors.flags_waiting(),
        "organisations_waiting": account_selectors.organisations_pending_count(),
    }


@_secretariat(permissions.can_moderate)
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Reported comments with their text and reports, to hide or to dismiss the reports; the
    latest hidden comments, to restore."""
    flagged = secretariat_selectors.comments_flagged(limit=100)
    response = render(
        request,
        "comments/moderation.html",
        {
            "flagged": [(comment, render_markdown(comment.body)) for comment in flagged],
            "hidden": selectors.comments_hidden(limit=100),
            "queue_url": request.path,
        },
    )
    mark_confidential(response)  # reported and hidden comments, confidential ones included
    return response


@_secretariat(permissions.can_dispose)
@require_http_methods(["GET", "POST"])
def matrix(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Every comment of a version with its disposition; dispose of a selection at once."""
    version = version_asked(request, slug, number)
    if request.method == "POST":
        _dispose_chosen(request, version)
        return redirect(request.get_full_path())
    context = filtered_list(request, version, per_page=100)
    counts = secretariat_selectors.matrix_counts(version)
    window = answer_selectors.response_window(version)
    return render(
        request,
        "comments/matrix.html",
        {**context, "form": DispositionForm(), "counts": counts, "response_window": window},
    )


def _dispose_chosen(request: HttpRequest, version: DraftVersion) -> None:
    form = DispositionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome and write the response."))
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
        messages.success(
            request,
            ngettext(
                "Disposition recorded for %(count)d comment.",
                "Disposition recorded for %(count)d comments.",
                len(done),
            )
            % {"count": len(done)},
        )
