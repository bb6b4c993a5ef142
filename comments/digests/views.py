"""Pages of digests: a version's digests and the form to ask for one, a digest's page (live
progress while the worker builds it). Its files are served by the API's file view
(:class:`.api.views.DigestFileView`), for sessions and API tokens alike."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import permissions
from drafts import selectors as draft_selectors
from haip_portal.exceptions import ApplicationError

from . import rendering, selectors, services
from .api.views import DigestFileView
from .exports import digest_context
from .forms import DigestRequestForm
from .models import Digest, DigestExport

FORMATS = list(DigestExport.Format.values)  # the order the files are offered in


@require_http_methods(["GET", "POST"])
def version_digests(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The digests of a version the user may read; the secretariat and working-group members
    ask for a new one here."""
    version = draft_selectors.version_get(user=request.user, slug=slug, number=number)
    may_request = permissions.can_request_digest(request.user)
    form = None
    if may_request:
        form = DigestRequestForm(
            request.POST or None, version=version, groups=selectors.working_groups_for(request.user)
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(
                _("Only the secretariat and working-group members ask for digests.")
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
                messages.success(
                    request,
                    _("%(reference)s is queued; this page follows it.")
                    % {"reference": digest.reference},
                )
                return redirect(digest)
    digests = selectors.version_digests(user=request.user, version=version)
    if not may_request:
        digests = digests.filter(status=Digest.Status.READY)
    return render(
        request,
        "digests/list.html",
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
        context.update(digest_context(digest.data, rendering.document_meta(digest, digest.data)))
    return render(request, "digests/detail.html", context)


_file_view = DigestFileView.as_view()


def digest_download(request: HttpRequest, pk: int, format: str) -> Any:
    """One file of a ready digest at its page address: the API's file view answers, so the
    link works in a signed-in browser and with an API token (``digests:read``) alike. Kept out
    of the API schema, which documents the file at ``/api/v1/digests/{id}/files/{format}``."""
    return _file_view(request, pk=pk, format=format)
