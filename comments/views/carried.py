"""Pages for comments carried to a new version: the secretariat's review queue and its
decisions (confirm, re-point, answered by removal)."""

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import User
from drafts.models import DraftVersion
from drafts.selectors import SectionWithLines
from haip_portal.errors import show_as_message
from haip_portal.exceptions import ApplicationError

from .. import selectors, services
from ..models import CarriedComment

Review = CarriedComment.Review


@login_required
def carried_review_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_review_carried_comments(request.user):
        raise PermissionDenied(_("This page is for the secretariat."))
    return render(
        request,
        "comments/carried_queue.html",
        {"queue": list(selectors.carried_review_queue(user=request.user))},
    )


@login_required
@require_POST
def carried_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One decision on a carried comment; the form's ``decision`` says which."""
    carried = selectors.carried_get(user=request.user, pk=pk)
    user: User = request.user  # type: ignore[assignment]
    decision = request.POST.get("decision", "")
    reference = carried.comment.reference
    try:
        if decision == "confirm":
            services.carried_confirm(carried=carried, user=user)
        elif decision == "repoint":
            services.carried_repoint(
                carried=carried,
                user=user,
                line_start=_line(request, "line_start"),
                line_end=_line(request, "line_end", default=request.POST.get("line_start")),
            )
        elif decision == "remove":
            services.carried_answer_by_removal(carried=carried, user=user)
        else:
            raise ApplicationError(_("Choose confirm, re-point or answered by removal."))
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, _("%(reference)s: decision recorded.") % {"reference": reference})
    return redirect("comments:carried_queue")


def _line(request: HttpRequest, name: str, default: str | None = None) -> int:
    value = request.POST.get(name) or default or ""
    if not value.strip().isdigit():
        raise ApplicationError(_("%(name)s must be a line number.") % {"name": name}, field=name)
    return int(value)


def carried_page_extension(
    request: HttpRequest, version: DraftVersion, sections: list[SectionWithLines]
) -> dict[str, Any]:
    """The draft page's list of comments carried from the previous version, apart from the
    version's own comments (``DRAFT_PAGE_EXTENSIONS``)."""
    if version.number == 1:  # nothing came before it
        return {"carried": []}
    carried = selectors.carried_to_version(user=request.user, version=version)
    counts = Counter(item.outcome for item in carried)
    return {
        "carried": carried,
        "carried_from": carried[0].comment.version.label if carried else "",
        "carried_counts": {
            "kept": counts["kept"],
            "changed": counts["changed"],
            "removed": counts["removed"],
            "pending": sum(1 for item in carried if item.review == Review.PENDING),
        },
    }
