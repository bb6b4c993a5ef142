"""Filing a comment: the draft page's comment panel, the form it falls back to without
JavaScript, the receipt, and editing by the author."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import permissions
from drafts import selectors as draft_selectors
from drafts.markdown import render_markdown
from drafts.models import DraftVersion, Language, Line
from drafts.selectors import SectionWithLines
from haip_portal.errors import show_on_form
from haip_portal.exceptions import ApplicationError

from .. import receipts, selectors, services
from ..forms import CommentEditForm, CommentForm
from .shared import acting_user, list_filters, version_asked


def draft_page_extension(
    request: HttpRequest, version: DraftVersion, sections: list[SectionWithLines]
) -> dict[str, Any]:
    """The draft page's comment counts in the gutter and its comment panel."""
    counts = selectors.line_counts(user=request.user, version=version)
    for item in sections:
        for text_line in item.lines:
            text_line.note_count = counts.comments.get(text_line.number, 0)  # type: ignore[attr-defined]
            text_line.endorsement_count = counts.endorsements.get(text_line.number, 0)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "side_panel_template": "comments/_panel.html",
        "comment_total": counts.total,
        "line_quotes_html": _quotes_html(
            selectors.line_quotes(
                user=request.user, version=version, language=_text_language(request, version)
            )
        ),
        "accepting_comments": version.status == DraftVersion.Status.OPEN,
    }
    filters = list_filters(request, names=("line",))
    if filters.line is not None:
        context["line_filter"] = filters.line
        context["line_comments"] = selectors.comments_with_anchored_lines(
            selectors.version_comments(user=request.user, version=version, filters=filters)
        )
    if request.user.is_authenticated and context["accepting_comments"]:
        context["comment_form"] = CommentForm(
            user=acting_user(request),
            initial={
                "line_start": filters.line,
                "line_end": filters.line,
                "quote_language": _text_language(request, version),
            },
        )
    return context


def _quotes_html(quotes: list[Mapping[str, object]]) -> SafeString:
    """The quoted phrases for the page's script to mark, one list item each (up to 2,000:
    written here rather than in a template loop)."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<li data-line="{quote["line_start"]}" '
            f'data-quote-exact="{escape(quote["quote_exact"])}" '
            f'data-quote-start="{"" if quote["quote_start"] is None else quote["quote_start"]}">'
            "</li>"
            for quote in quotes
        )
    )


def _text_language(request: HttpRequest, version: DraftVersion) -> str:
    """The language of the text the reader reads (``?lang=``), when it is a rendering's: a
    phrase they select there is quoted in it."""
    language = request.GET.get("lang", "")
    return language if language in Language.values and language != version.language else ""


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
    version = version_asked(request, slug, number)
    start = request.GET.get("line", "")
    initial = {"line_start": start, "line_end": start} if start.isdigit() else {}
    initial["quote_language"] = _text_language(request, version)
    form = CommentForm(request.POST or None, user=acting_user(request), initial=initial)
    preview = ""
    if request.method == "POST" and form.is_valid():
        assert form.comment_input is not None
        if "preview" in request.POST:
            preview = render_markdown(form.comment_input.body)
        else:
            try:
                comment = services.comment_submit(
                    version=version,
                    author=acting_user(request),
                    data=form.comment_input,
                    attachments=request.FILES.getlist("attachments"),
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
    if not permissions.can_keep_receipt(request.user, comment):
        raise Http404(_("No such receipt."))
    return render(
        request,
        "comments/receipt.html",
        {"comment": comment, "body_html": render_markdown(comment.body)},
    )


@login_required
@require_http_methods(["GET"])
def comment_receipt_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The receipt as a PDF to keep and print: the author's only, like its page."""
    comment = selectors.comment_get(user=request.user, reference=reference)
    if not permissions.can_keep_receipt(request.user, comment):
        raise Http404(_("No such receipt."))
    pdf = receipts.receipt_pdf(comment, selectors.comment_as_filed(comment))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{comment.reference}-receipt.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, reference: str) -> HttpResponse:
    comment = selectors.comment_get(user=request.user, reference=reference)
    if not permissions.can_edit_comment(request.user, comment):
        raise PermissionDenied(_("Only the comment's author can edit it."))
    form = CommentEditForm(
        request.POST or None,
        initial={
            "language": comment.language,
            "kind": comment.kind,
            "stance": comment.stance,
            "body": comment.body,
            "proposed_text": comment.proposed_text,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, user=acting_user(request), **form.cleaned_data)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s updated; the earlier text is kept.")
                % {"reference": comment.reference},
            )
            return redirect(comment.get_absolute_url())
    return render(request, "comments/edit.html", {"comment": comment, "form": form})
