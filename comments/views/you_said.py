""" "You said, we did": the page and its PDF and Word files, for a version and the one
before it; public comments for everyone, every comment for those who read them all."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from haip_portal.exceptions import NotFound
from haip_portal.middleware import mark_confidential

from ..exports.you_said import you_said_docx, you_said_pdf
from ..you_said import YouSaidWeDid, you_said_we_did
from .shared import version_asked

_FILES = {
    "pdf": ("application/pdf", you_said_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        you_said_docx,
    ),
}


def _report(request: HttpRequest, slug: str, number: int) -> YouSaidWeDid:
    version = version_asked(request, slug, number)
    return you_said_we_did(user=request.user, new=version)


@require_GET
def you_said_we_did_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    report = _report(request, slug, number)
    response = render(request, "comments/you_said.html", {"report": report})
    if report.full:
        mark_confidential(response)
    return response


@require_GET
def you_said_we_did_file(request: HttpRequest, slug: str, number: int, format: str) -> HttpResponse:
    """The report as a PDF or a Word file, with the same content as the page."""
    if format not in _FILES:
        raise NotFound(_("No such format."))
    report = _report(request, slug, number)
    content_type, write = _FILES[format]
    response = HttpResponse(write(report), content_type=content_type)
    audience = "full" if report.full else "public"
    name = f"{slug}-{report.old.label}-{report.new.label}-you-said-we-did-{audience}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if report.full:
        mark_confidential(response)
    return response
