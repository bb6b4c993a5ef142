"""A comment's own page and the actions taken on it: withdraw, reply, endorse, flag, and
the secretariat's hide, restore and disposition."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts import selectors as account_selectors
from drafts.markdown import render_markdown
from drafts.models import DraftVersion
from haip_portal.errors import show_as_message
from haip_portal.exceptions import ApplicationError
from haip_portal.middleware import mark_confidential

from .. import selectors, services
from ..forms import DispositionForm, ReasonForm, ReplyForm
from ..models import Comment
from .shared import View, acting_user, next_or


def comment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    comment = selectors.comment_get(user=request.user, reference=reference)
    user = request.user
    thread = selectors.comment_thread(comment)
    endorsable = []
    if comment.state == Comment.State.PUBLISHED and not comment.is_confidential:
        endorsed = {endorsement.organisation_id for endorsement in thread.endorsements}
        endorsable = [
            organisation
            for organisation in account_selectors.organisations_represented_by(user)
            if organisation.pk not in endorsed and organisation.pk != comment.organisation_id
        ]
    response = render(
        request,
        "comments/detail.html",
        {
            "comment": comment,
            "version": comment.version,
            "draft": comment.version.draft,
            "lines": thread.lines,
            "body_html": render_markdown(comment.body),
            "replies": [(reply, render_markdown(reply.body)) for reply in thread.replies],
            "endorsements": thread.endorsements,
            "endorsable": endorsable,
            "disposition": getattr(comment, "disposition", None),
            "revisions": thread.revisions,
            "can_edit": permissions.can_edit_comment(user, comment)
            and comment.state == Comment.State.PUBLISHED
            and comment.version.status == DraftVersion.Status.OPEN,
            "can_moderate": permissions.can_moderate(user),
            "can_dispose": permissions.can_dispose(user),
            "reply_form": ReplyForm(),
            "reason_form": ReasonForm(auto_id="id_flag_%s"),
            "moderation_form": ReasonForm(auto_id="id_moderation_%s"),
            "disposition_form": DispositionForm(
                initial={
                    "outcome": getattr(getattr(comment, "disposition", None), "outcome", None),
                    "response": getattr(getattr(comment, "disposition", None), "response", ""),
                }
            ),
        },
    )
    if comment.is_confidential or comment.state != Comment.State.PUBLISHED:
        mark_confidential(response)
    return response


def _acting(view: Callable[[HttpRequest, Comment], str]) -> View:
    """POST actions on one comment: load it as the user may see it, run, report, and go back
    to the page the form names (``next``, e.g. the moderation queue) or the comment's own."""

    @login_required
    @require_POST
    @wraps(view)
    def wrapped(request: HttpRequest, reference: str) -> HttpResponse:
        comment = selectors.comment_get(user=request.user, reference=reference)
        try:
            message = view(request, comment)
        except ApplicationError as error:
            show_as_message(request, error)
        else:
            messages.success(request, message)
        return redirect(next_or(request, comment.get_absolute_url()))

    return wrapped


@_acting
def comment_withdraw(request: HttpRequest, comment: Comment) -> str:
    services.comment_withdraw(comment=comment, user=acting_user(request))
    return f"{comment.reference} is withdrawn; it stays in the record."


@_acting
def reply_create(request: HttpRequest, comment: Comment) -> str:
    form = ReplyForm(request.POST)
    if not form.is_valid():  # only a parent that is no number: the link was edited by hand
        raise ApplicationError("That reply link is not valid: reply from the comment's page.")
    services.reply_create(
        comment=comment,
        author=acting_user(request),
        body=form.cleaned_data["body"] or "",
        parent_id=form.cleaned_data.get("parent") or None,
    )
    return "Reply posted."


@_acting
def endorse(request: HttpRequest, comment: Comment) -> str:
    organisation = account_selectors.organisation_get(pk=request.POST.get("organisation", ""))
    services.endorsement_create(
        comment=comment, user=acting_user(request), organisation=organisation
    )
    return f"{organisation.name} now endorses {comment.reference}."


@_acting
def flag(request: HttpRequest, comment: Comment) -> str:
    services.flag_create(
        comment=comment, user=acting_user(request), reason=request.POST.get("reason", "")
    )
    return "Thank you: the secretariat will review this comment."


@_acting
def hide(request: HttpRequest, comment: Comment) -> str:
    services.comment_hide(
        comment=comment, moderator=acting_user(request), reason=request.POST.get("reason", "")
    )
    return f"{comment.reference} is hidden; its author is told why."


@_acting
def restore(request: HttpRequest, comment: Comment) -> str:
    services.comment_restore(
        comment=comment, moderator=acting_user(request), reason=request.POST.get("reason", "")
    )
    return f"{comment.reference} is restored."


@_acting
def dismiss_reports(request: HttpRequest, comment: Comment) -> str:
    closed = services.flags_dismiss(
        comment=comment, moderator=acting_user(request), reason=request.POST.get("reason", "")
    )
    return ngettext(
        "The report on %(reference)s is dismissed; the comment stays as it is.",
        "The %(count)d reports on %(reference)s are dismissed; the comment stays as it is.",
        closed,
    ) % {"reference": comment.reference, "count": closed}


@_acting
def dispose(request: HttpRequest, comment: Comment) -> str:
    services.comment_dispose(
        comments=[comment],
        user=acting_user(request),
        outcome=request.POST.get("outcome", ""),
        response=request.POST.get("response", ""),
    )
    return f"Disposition recorded for {comment.reference}; its author is told."
