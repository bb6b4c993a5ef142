"""A comment's own page and the actions taken on it: withdraw, reply, endorse, flag, and
the secretariat's hide, restore and disposition."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts import selectors as account_selectors
from accounts.models import Organisation
from drafts.markdown import render_markdown
from drafts.models import DraftVersion
from haip_portal.errors import show_as_message
from haip_portal.exceptions import ApplicationError
from haip_portal.middleware import mark_confidential

from .. import citations, selectors, services
from ..answer_forms import CitationsForm
from ..forms import DispositionForm, ReasonForm, ReplyForm
from ..models import Comment, Endorsement
from .answers import responding_context
from .shared import View, acting_user, next_or


def comment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    comment = selectors.comment_get(user=request.user, reference=reference)
    user = request.user
    thread = selectors.comment_thread(comment)
    represented = account_selectors.organisations_represented_by(user)
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
            **_endorsing(comment, thread.endorsements, represented),
            **_answer(request, comment),
            "revisions": thread.revisions,
            "attachments": thread.attachments,
            "can_edit": permissions.can_edit_comment(user, comment)
            and comment.state == Comment.State.PUBLISHED
            and comment.version.status == DraftVersion.Status.OPEN,
            "can_moderate": permissions.can_moderate(user),
            "reply_form": ReplyForm(organisations=_verified(represented)),
            "reason_form": ReasonForm(auto_id="id_flag_%s"),
            "moderation_form": ReasonForm(auto_id="id_moderation_%s"),
        },
    )
    if comment.is_confidential or comment.state != Comment.State.PUBLISHED:
        mark_confidential(response)
    return response


def _answer(request: HttpRequest, comment: Comment) -> dict[str, Any]:
    """The secretariat's answer, the lines of the next version it cites, and for the
    secretariat the form to record it with the lines it might cite."""
    disposition = getattr(comment, "disposition", None)
    context: dict[str, Any] = {
        "disposition": disposition,
        "cited_lines": citations.cited_lines_of(comment) if disposition else [],
        "can_dispose": permissions.can_dispose(request.user),
    }
    if disposition is not None:
        context.update(responding_context(request, comment))
    if not context["can_dispose"]:
        return context
    context["disposition_form"] = DispositionForm(
        initial={
            "outcome": getattr(disposition, "outcome", None),
            "response": getattr(disposition, "response", ""),
        }
    )
    following = citations.citation_target(comment)
    if following is not None:
        context["citation_version"] = following
        context["citations_form"] = CitationsForm(
            suggestions=citations.citation_suggestions(comment, following),
            initial={"cited": ", ".join(cited.label for cited in context["cited_lines"])},
        )
    return context


def _verified(organisations: list[Organisation]) -> list[Organisation]:
    return [o for o in organisations if o.status == Organisation.Status.VERIFIED]


def _endorsing(
    comment: Comment, endorsements: list[Endorsement], represented: list[Organisation]
) -> dict[str, Any]:
    """Who endorses the comment, and for which of the organisations the person represents
    they may endorse it or take their endorsement back."""
    endorsed = {endorsement.organisation_id for endorsement in endorsements}
    open_to_endorsement = comment.state == Comment.State.PUBLISHED and not comment.is_confidential
    return {
        "endorsements": endorsements,
        "endorsable": [
            organisation
            for organisation in _verified(represented)
            if open_to_endorsement
            and organisation.pk not in endorsed
            and organisation.pk != comment.organisation_id
        ],
        "withdrawable": [
            organisation for organisation in represented if organisation.pk in endorsed
        ],
    }


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
    return _("%(reference)s is withdrawn; it stays in the record.") % {
        "reference": comment.reference
    }


@_acting
def reply_create(request: HttpRequest, comment: Comment) -> str:
    represented = account_selectors.organisations_represented_by(request.user)
    form = ReplyForm(request.POST, organisations=represented)
    if not form.is_valid():  # a parent or organisation edited by hand
        raise ApplicationError(_("That reply form is not valid: reply from the comment's page."))
    chosen = form.cleaned_data.get("organisation")
    services.reply_create(
        comment=comment,
        author=acting_user(request),
        body=form.cleaned_data["body"] or "",
        parent_id=form.cleaned_data.get("parent") or None,
        organisation=next((o for o in represented if o.pk == chosen), None),
    )
    return _("Reply posted.")


@_acting
def endorse(request: HttpRequest, comment: Comment) -> str:
    organisation = account_selectors.organisation_get(pk=request.POST.get("organisation", ""))
    services.endorsement_create(
        comment=comment, user=acting_user(request), organisation=organisation
    )
    return _("%(name)s now endorses %(reference)s.") % {
        "name": organisation.name,
        "reference": comment.reference,
    }


@_acting
def endorsement_withdraw(request: HttpRequest, comment: Comment) -> str:
    organisation = account_selectors.organisation_get(pk=request.POST.get("organisation", ""))
    services.endorsement_withdraw(
        comment=comment, user=acting_user(request), organisation=organisation
    )
    return _("%(name)s no longer endorses %(reference)s.") % {
        "name": organisation.name,
        "reference": comment.reference,
    }


@_acting
def flag(request: HttpRequest, comment: Comment) -> str:
    services.flag_create(
        comment=comment, user=acting_user(request), reason=request.POST.get("reason", "")
    )
    return _("Thank you: the secretariat will review this comment.")


@_acting
def hide(request: HttpRequest, comment: Comment) -> str:
    services.comment_hide(
        comment=comment, moderator=acting_user(request), reason=request.POST.get("reason", "")
    )
    return _("%(reference)s is hidden; its author is told why.") % {"reference": comment.reference}


@_acting
def restore(request: HttpRequest, comment: Comment) -> str:
    services.comment_restore(
        comment=comment, moderator=acting_user(request), reason=request.POST.get("reason", "")
    )
    return _("%(reference)s is restored.") % {"reference": comment.reference}


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
    """Record the disposition; with the lines of the next version it cites when the form
    offered them (a published next version), else keeping those cited before."""
    cited = None
    if "cited" in request.POST:
        following = citations.citation_target(comment)
        suggestions = citations.citation_suggestions(comment, following) if following else []
        form = CitationsForm(request.POST, suggestions=suggestions)
        if not form.is_valid():
            errors = [str(error) for errors in form.errors.values() for error in errors]
            raise ApplicationError(" ".join(errors), field="cited")
        cited = form.cleaned_data["ranges"]
    services.comment_dispose(
        comments=[comment],
        user=acting_user(request),
        outcome=request.POST.get("outcome", ""),
        response=request.POST.get("response", ""),
        cited=cited,
    )
    return _("Disposition recorded for %(reference)s; its author is told.") % {
        "reference": comment.reference
    }
