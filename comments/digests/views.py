"""Pages of digests and exports: a version's digests and the form to ask for one, a digest's
page (live progress while the worker builds it), its files, the secretariat's streamed comment
matrix and the open data of a version's public comments."""

from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accounts import permissions
from accounts.models import User, WorkingGroup
from drafts import selectors as draft_selectors
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError

from ..exports import digest_context, matrix_csv, opendata_csv, opendata_json
from . import rendering, selectors, services
from .forms import DigestRequestForm
from .models import Digest, DigestExport

FORMATS = list(DigestExport.Format.values)  # the order the files are offered in


def _version(request: HttpRequest, slug: str, number: int) -> DraftVersion:
    return draft_selectors.version_get(user=request.user, slug=slug, number=number)


def _groups_for(user: User | AnonymousUser) -> object:
    every, _unscoped, groups = permissions.digest_scope(user)
    return WorkingGroup.objects.all() if every else WorkingGroup.objects.filter(pk__in=groups)


@require_http_methods(["GET", "POST"])
def version_digests(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The digests of a version the user may read; the secretariat and working-group members
    ask for a new one here."""
    version = _version(request, slug, number)
    may_request = permissions.can_request_digest(request.user)
    form = None
    if may_request:
        form = DigestRequestForm(
            request.POST or None, version=version, groups=_groups_for(request.user)
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(
                "Only the secretariat and working-group members ask for digests."
            )
        if form.is_valid():
            try:
                digest = services.digest_request(
                    user=request.user,  # type: ignore[arg-type]
                    version=version,
                    audience=form.cleaned_data["audience"],
                    section_keys=form.cleaned_data["sections"],
                    working_group=form.cleaned_data["working_group"],
                )
            except ApplicationError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, f"{digest.reference} is queued; this page follows it.")
                return redirect(digest)
    digests = selectors.version_digests(user=request.user, version=version)
    if not may_request:
        digests = digests.filter(status=Digest.Status.READY)
    return render(
        request,
        "comments/digests/list.html",
        {
            "version": version,
            "draft": version.draft,
            "digests": digests[:100],
            "form": form,
        },
    )


@require_GET
def digest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A digest: its progress while it is built, then the synthesis and its files."""
    digest = selectors.digest_get(user=request.user, pk=pk)
    context: dict[str, object] = {
        "digest": digest,
        "version": digest.version,
        "draft": digest.version.draft,
        "exports": sorted(digest.exports.all(), key=lambda e: FORMATS.index(e.format)),
    }
    if digest.status == Digest.Status.READY and digest.data is not None:
        context.update(digest_context(digest.data, rendering.digest_meta(digest, digest.data)))
    return render(request, "comments/digests/detail.html", context)


@require_GET
def digest_download(request: HttpRequest, pk: int, format: str) -> FileResponse:
    """One file of a ready digest, for those who may read the digest (others get a 404)."""
    digest = selectors.digest_get(user=request.user, pk=pk, with_data=False)
    export = DigestExport.objects.filter(digest=digest, format=format).first()
    if export is None:
        raise Http404("This digest has no such file.")
    name = rendering.file_name(digest, format)
    inline = format in (DigestExport.Format.HTML, DigestExport.Format.PDF)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=not inline,
        filename=name,
        content_type="text/markdown; charset=utf-8"
        if format == DigestExport.Format.MARKDOWN
        else None,
    )
    if format == DigestExport.Format.HTML:
        # A standalone document of escaped text: no script may run in it, even if one slipped.
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        )
    return response


def _streamed(chunks: Iterator[str], *, content_type: str, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def matrix_download(request: HttpRequest, slug: str, number: int) -> StreamingHttpResponse:
    """The live comment-resolution matrix as CSV, streamed row by row (the secretariat)."""
    if not request.user.is_authenticated:
        raise Http404("No such page.")
    if not permissions.can_dispose(request.user):
        raise PermissionDenied("The comment matrix is for the secretariat.")
    version = _version(request, slug, number)
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
        raise Http404("Open data comes as comments.csv or comments.json.")
    version = _version(request, slug, number)
    if version.status == DraftVersion.Status.DRAFT:
        raise Http404("This version is not published.")
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
