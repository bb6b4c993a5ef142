"""Pages of the comments app: filing on the draft page, a comment's own page, the author's
list, and the secretariat's moderation queue and comment matrix."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from accounts import selectors as account_selectors
from accounts.models import Organisation, User
from drafts import selectors as draft_selectors
from drafts.markdown import render_markdown
from drafts.models import DraftVersion, Line
from drafts.selectors import SectionWithLines
from haip_portal.errors import show_as_message, show_on_form
from haip_portal.exceptions import ApplicationError
from haip_portal.middleware import mark_confidential

from . import selectors, services
from .forms import CommentEditForm, CommentForm, DispositionForm, ReasonForm, ReplyForm
from .models import Comment, Disposition

View = Callable[..., HttpResponse]
# The filters of the list pages, as their query string names them.
FILTERS = (
    "section",
    "kind",
    "stance",
    "stakeholder_type",
    "country",
    "state",
    "disposition",
    "line",
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _version(request: HttpRequest, slug: str, number: int) -> DraftVersion:
    return draft_selectors.version_get(user=request.user, slug=slug, number=number)


def _filters(request: HttpRequest, names: tuple[str, ...] = FILTERS) -> selectors.CommentFilters:
    """The list's filters from the query string; one that does not read (a line that is no
    number, in a link edited by hand) is left out."""
    return selectors.CommentFilters.from_query(request.GET, names=names, strict=False)


def draft_page_extension(
    request: HttpRequest, version: DraftVersion, sections: list[SectionWithLines]
) -> dict[str, Any]:
    """The draft page's comment counts in the gutter and its comment panel."""
    counts = selectors.line_comment_counts(user=request.user, version=version)
    for item in sections:
        for text_line in item.lines:
            text_line.note_count = counts.get(text_line.number, 0)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "side_panel_template": "comments/_panel.html",
        "comment_total": sum(counts.values()),
        "accepting_comments": version.status == DraftVersion.Status.OPEN,
    }
    filters = _filters(request, names=("line",))
    if filters.line is not None:
        context["line_filter"] = filters.line
        context["line_comments"] = list(
            selectors.version_comments(user=request.user, version=version, filters=filters)
        )
    if request.user.is_authenticated and context["accepting_comments"]:
        context["comment_form"] = CommentForm(
            user=_user(request), initial={"line_start": filters.line, "line_end": filters.line}
        )
    return context


def _anchor_lines(version: DraftVersion, form: CommentForm) -> list[Line]:
    """The lines the form's anchor names, shown beside it (at most 200)."""
    item = form.comment_input
    if item is None or form.errors or not 0 <= item.line_end - item.line_start <= 200:
        return []
    return draft_selectors.version_lines(version, item.line_start, item.line_end)


@login_required
@require_http_methods(["GET", "POST"])
def comment_create(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """File a comment. Also the page the comment panel falls back to without JavaScript, and
    where the Markdown preview is shown."""
    version = _version(request, slug, number)
    start = request.GET.get("line", "")
    initial = {"line_start": start, "line_end": start} if start.isdigit() else None
    form = CommentForm(request.POST or None, user=_user(request), initial=initial)
    preview = ""
    if request.method == "POST" and form.is_valid():
        assert form.comment_input is not None
        if "preview" in request.POST:
            preview = render_markdown(form.comment_input.body)
        else:
            try:
                comment = services.comment_submit(
                    version=version, author=_user(request), data=form.comment_input
                )
            except ApplicationError as error:
                form.add_error(form.field_for(error.field), error.message)
            else:
                return redirect("comments:comment_receipt", reference=comment.reference)
    return render(
        request,
        "comments/comment_form.html",
        {
            "version": version,
            "draft": version.draft,
            "form": form,
            "preview": preview,
            "anchor_lines": _anchor_lines(version, form),
        },
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
def comment_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    comment = selectors.comment_get(user=request.user, reference=reference)
    if comment.author_id != request.user.pk:
        raise Http404("No such receipt.")
    return render(
        request,
        "comments/receipt.html",
        {"comment": comment, "body_html": render_markdown(comment.body)},
    )


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
    """POST actions on one comment: load it as the user may see it, run, report, go back."""

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
        return redirect(comment.get_absolute_url())

    return wrapped


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, reference: str) -> HttpResponse:
    comment = selectors.comment_get(user=request.user, reference=reference)
    if not permissions.can_edit_comment(request.user, comment):
        raise PermissionDenied("Only the comment's author can edit it.")
    form = CommentEditForm(
        request.POST or None,
        initial={
            "kind": comment.kind,
            "stance": comment.stance,
            "body": comment.body,
            "proposed_text": comment.proposed_text,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, user=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{comment.reference} updated; the earlier text is kept.")
            return redirect(comment.get_absolute_url())
    return render(request, "comments/edit.html", {"comment": comment, "form": form})


@_acting
def comment_withdraw(request: HttpRequest, comment: Comment) -> str:
    services.comment_withdraw(comment=comment, user=_user(request))
    return f"{comment.reference} is withdrawn; it stays in the record."


@_acting
def reply_create(request: HttpRequest, comment: Comment) -> str:
    form = ReplyForm(request.POST)
    if not form.is_valid():
        raise ApplicationError("A reply needs some text.", field="body")
    services.reply_create(
        comment=comment,
        author=_user(request),
        body=form.cleaned_data["body"],
        parent_id=form.cleaned_data.get("parent") or None,
    )
    return "Reply posted."


@_acting
def endorse(request: HttpRequest, comment: Comment) -> str:
    organisation = account_selectors.organisation_get(pk=request.POST.get("organisation", ""))
    services.endorsement_create(comment=comment, user=_user(request), organisation=organisation)
    return f"{organisation.name} now endorses {comment.reference}."


@_acting
def flag(request: HttpRequest, comment: Comment) -> str:
    services.flag_create(
        comment=comment, user=_user(request), reason=request.POST.get("reason", "")
    )
    return "Thank you: the secretariat will review this comment."


@_acting
def hide(request: HttpRequest, comment: Comment) -> str:
    services.comment_hide(
        comment=comment, moderator=_user(request), reason=request.POST.get("reason", "")
    )
    return f"{comment.reference} is hidden; its author is told why."


@_acting
def restore(request: HttpRequest, comment: Comment) -> str:
    services.comment_restore(
        comment=comment, moderator=_user(request), reason=request.POST.get("reason", "")
    )
    return f"{comment.reference} is restored."


@_acting
def dispose(request: HttpRequest, comment: Comment) -> str:
    services.comment_dispose(
        comments=[comment],
        user=_user(request),
        outcome=request.POST.get("outcome", ""),
        response=request.POST.get("response", ""),
    )
    return f"Disposition recorded for {comment.reference}; its author is told."


def version_comments(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _version(request, slug, number)
    filters = _filters(request)
    comments = selectors.version_comments(user=request.user, version=version, filters=filters)
    page = Paginator(comments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "comments/list.html",
        {
            "version": version,
            "draft": version.draft,
            "page": page,
            "filters": filters,
            "choices": _filter_choices(version),
            "query": _query_without_page(request),
        },
    )


def _filter_choices(version: DraftVersion) -> dict[str, Any]:
    return {
        "sections": [
            (section.key, section.heading) for section in draft_selectors.version_sections(version)
        ],
        "kinds": Comment.Kind.choices,
        "stances": Comment.Stance.choices,
        "stakeholder_types": Organisation.StakeholderType.choices,
        "states": Comment.State.choices,
        "dispositions": [("open", "Not yet answered"), *Disposition.Outcome.choices],
    }


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def my_comments(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.comments_of_user(_user(request)), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "comments/mine.html", {"page": page})


# --- The secretariat ------------------------------------------------------------------


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
    version = _version(request, slug, number)
    if request.method == "POST":
        form = DispositionForm(request.POST)
        chosen = selectors.comments_chosen(version=version, pks=request.POST.getlist("comments"))
        if form.is_valid():
            try:
                done = services.comment_dispose(
                    comments=chosen,
                    user=_user(request),
                    outcome=form.cleaned_data["outcome"],
                    response=form.cleaned_data["response"],
                )
            except ApplicationError as error:
                show_as_message(request, error)
            else:
                messages.success(request, f"Disposition recorded for {len(done)} comment(s).")
        else:
            messages.error(request, "Choose an outcome and write the response.")
        return redirect(request.get_full_path())
    filters = _filters(request)
    comments = selectors.version_comments(user=request.user, version=version, filters=filters)
    page = Paginator(comments, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "comments/matrix.html",
        {
            "version": version,
            "draft": version.draft,
            "page": page,
            "filters": filters,
            "choices": _filter_choices(version),
            "query": _query_without_page(request),
            "form": DispositionForm(),
        },
    )
