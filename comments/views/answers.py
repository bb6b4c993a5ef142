"""Pages of the answer loop: the comments shown beside the change that answers them on the
compare page, commenters' acceptances and objections, the deadline for them, and the
secretariat's list of objections."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from drafts.diff import SectionDiff
from drafts.models import DraftVersion
from haip_portal.errors import show_as_message
from haip_portal.exceptions import ApplicationError
from haip_portal.middleware import mark_confidential

from .. import answer_selectors, citations, selectors, services
from ..answer_forms import ResponseForm, ResponsePeriodForm
from ..models import Comment, DispositionResponse
from .shared import acting_user, next_or, version_asked


def compare_page_extension(
    request: HttpRequest, old: DraftVersion, new: DraftVersion, sections: list[SectionDiff]
) -> dict[str, Any]:
    """The compare page's notes (``COMPARE_PAGE_EXTENSIONS``): under the first row of the
    lines a disposition cites, the comments on the old version those lines answer, as the
    viewer may see them."""
    notes = citations.answers_by_row(user=request.user, old=old, new=new, sections=sections)
    links = []
    if new.number == old.number + 1:
        url = reverse("comments:you_said_we_did", args=[new.draft.slug, new.number])
        links.append({"url": url, "label": _("You said, we did")})
    return {
        "row_notes": notes,
        "row_notes_heading": _("This change answers"),
        "compare_links": links,
    }


def responding_context(request: HttpRequest, comment: Comment) -> dict[str, Any]:
    """What the comment's page shows of the answers to its disposition: the deadline, the
    answers the viewer may read, and for the author or their organisation's representative
    the form to accept or object while the deadline has not passed."""
    window = answer_selectors.response_window(comment.version)
    shown = answer_selectors.responses_shown(user=request.user, comment=comment)
    can_answer = permissions.can_answer_disposition(request.user, comment)
    mine = next((r for r in shown if r.user_id == request.user.pk), None)
    return {
        "response_window": window,
        "responses": shown,
        "can_answer": can_answer,
        "my_response": mine,
        "response_form": ResponseForm(
            initial={"answer": mine.answer, "reason": mine.reason} if mine else None
        ),
    }


@login_required
@require_POST
def disposition_respond(request: HttpRequest, reference: str) -> HttpResponse:
    """The author (or their organisation's representative) accepts the answer or objects."""
    comment = selectors.comment_get(user=request.user, reference=reference)
    form = ResponseForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Accept the answer or object to it."), field="answer")
        response = services.disposition_answer(
            comment=comment,
            user=acting_user(request),
            answer=form.cleaned_data["answer"],
            reason=form.cleaned_data["reason"] or "",
        )
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        accepted = response.answer == DispositionResponse.Answer.ACCEPTED
        messages.success(
            request,
            _("You accepted the answer; thank you.")
            if accepted
            else _("Your objection is recorded; the secretariat will read it."),
        )
    return redirect(comment.get_absolute_url() + "#disposition-h")


@login_required
@require_POST
def response_deadline(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The secretariat sets until when commenters may answer a version's dispositions."""
    version = version_asked(request, slug, number)
    form = ResponsePeriodForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Give the deadline as a date and time."), field="closes_at")
        period = services.response_period_set(
            version=version, closes_at=form.cleaned_data["closes_at"], user=acting_user(request)
        )
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        when = formats.date_format(period.closes_at, "DATETIME_FORMAT")
        messages.success(
            request,
            _("Commenters may answer the dispositions of %(version)s until %(when)s UTC.")
            % {"version": version.label, "when": when},
        )
    return redirect(next_or(request, reverse("comments:objections")))


@login_required
def objections_list(request: HttpRequest) -> HttpResponse:
    """The secretariat's list of commenters' objections to dispositions, newest first."""
    if not permissions.can_dispose(request.user):
        raise PermissionDenied(_("This page is for the secretariat."))
    objections = answer_selectors.objections(user=request.user)
    page = Paginator(objections, 100).get_page(request.GET.get("page"))
    response = render(
        request,
        "comments/objections.html",
        {
            "page": page,
            "deadline_form": ResponsePeriodForm(),
            "versions": answer_selectors.versions_with_dispositions(),
        },
    )
    mark_confidential(response)  # objections to confidential comments included
    return response
