"""Streamed files of a version's comments: the secretariat's live comment-resolution matrix
(CSV) and the open data of a version's public comments (CSV, JSON)."""

from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from drafts import selectors as draft_selectors
from drafts.models import DraftVersion

from . import export_selectors as selectors
from .exports import matrix_csv, opendata_csv, opendata_json


def _streamed(chunks: Iterator[str], *, content_type: str, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def matrix_download(request: HttpRequest, slug: str, number: int) -> StreamingHttpResponse:
    """The live comment-resolution matrix as CSV, streamed row by row (the secretariat)."""
    if not request.user.is_authenticated:
        raise Http404(_("No such page."))
    if not permissions.can_dispose(request.user):
        raise PermissionDenied(_("The comment matrix is for the secretariat."))
    version = draft_selectors.version_get(user=request.user, slug=slug, number=number)
    comments = selectors.matrix_comments(user=request.user, version=version)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return _streamed(
        matrix_csv(selectors.matrix_rows(comments)),
        content_type="text/csv; charset=utf-8",
        name=f"{slugify(version.draft.slug)}-v{version.number}-matrix-{stamp}.csv",
    )


@require_GET
def open_data(request: HttpRequest, slug: str, number: int, format: str) -> StreamingHttpResponse:
    """The public comments of a version as open data (CSV or JSON), streamed."""
    if format not in ("csv", "json"):
        raise Http404(_("Open data comes as comments.csv or comments.json."))
    version = draft_selectors.version_get(user=request.user, slug=slug, number=number)
    if version.status == DraftVersion.Status.DRAFT:
        raise Http404(_("This version is not published."))
    name = f"{slugify(version.draft.slug)}-v{version.number}-comments.{format}"
    rows = selectors.open_data_rows(version)
    if format == "csv":
        return _streamed(opendata_csv(rows), content_type="text/csv; charset=utf-8", name=name)
    meta = {
        "draft": version.draft.title,
        "version": version.number,
        "status": version.status,
        "generated_at": timezone.now().isoformat(),
        "licence": "Public comments as filed, with the secretariat's dispositions.",
    }
    return _streamed(
        opendata_json(rows, meta=meta), content_type="application/json; charset=utf-8", name=name
    )
