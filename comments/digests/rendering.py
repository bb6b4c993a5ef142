"""The files of a digest, written by the worker: the digest as HTML, PDF, Word, Markdown and
JSON from its data, and the comment matrix its audience may read, as of its cut-off, as
Excel, CSV and Word. Nothing here decides who may read what: the rows come from the
selectors."""

import tempfile
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comments.export_selectors import matrix_rows
from comments.exports import matrix_csv, write_matrix_docx, write_matrix_xlsx
from drafts import selectors as draft_selectors

from . import selectors
from .exports import (
    DocumentMeta,
    digest_html,
    digest_json,
    digest_markdown,
    write_digest_docx,
    write_digest_pdf,
)
from .models import Digest, DigestExport

Format = DigestExport.Format

# A Word table of more rows than this is unusable (and slow to write): the matrix of such a
# digest comes as Excel and CSV only.
MATRIX_DOCX_MAX_ROWS = 5000


def document_meta(digest: Digest, data: dict[str, Any] | None = None) -> DocumentMeta:
    """What the files say about the digest: title, audience, cut-off, section headings, in
    the active language (the headings of the draft's translation into it, where there is
    one)."""
    version = digest.version
    language = translation.get_language() or digest.language
    headings = draft_selectors.version_headings_in(version, language)
    if digest.audience == Digest.Audience.WORKING_GROUP:
        title = _("Digest of %(title)s, version %(number)s (working groups)")
    else:
        title = _("Digest of %(title)s, version %(number)s (public)")
    return DocumentMeta(
        title=title % {"title": version.draft.title, "number": version.number},
        draft_title=version.draft.title,
        version_number=version.number,
        audience=digest.audience,
        cutoff=digest.cutoff,
        generated_at=digest.finished_at or timezone.now(),
        reference=digest.reference,
        section_titles=headings,
    )


def file_name(digest: Digest, format: str) -> str:
    version = digest.version
    stem = slugify(f"{version.draft.slug}-v{version.number}-{digest.reference}-{digest.audience}")
    if format.startswith("matrix."):
        return f"{stem}-matrix.{format.removeprefix('matrix.')}"
    return f"{stem}.{format}"


def _spooled() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)


def render_documents(digest: Digest, data: dict[str, Any]) -> dict[str, IO[bytes]]:
    """The digest as documents, each an open file at position 0 (the caller closes them),
    written in the language of the person who asked for it."""
    with translation.override(digest.language):
        return _render_documents(digest, data)


def _render_documents(digest: Digest, data: dict[str, Any]) -> dict[str, IO[bytes]]:
    meta = document_meta(digest, data)
    files: dict[str, IO[bytes]] = {}

    def keep(format: str, content: bytes) -> None:
        handle = _spooled()
        handle.write(content)
        files[format] = handle

    keep(Format.HTML, digest_html(data, meta).encode())
    keep(Format.MARKDOWN, digest_markdown(data, meta).encode())
    keep(Format.JSON, digest_json(data, meta))
    for format, writer in ((Format.PDF, write_digest_pdf), (Format.DOCX, write_digest_docx)):
        handle = _spooled()
        writer(data, meta, handle)
        files[format] = handle
    for handle in files.values():
        handle.seek(0)
    return files


def render_matrix(digest: Digest) -> dict[str, IO[bytes]]:
    """The comment matrix of the digest's audience and cut-off, as open files at position 0;
    rows are read in chunks, so memory stays flat whatever the number of comments; written in
    the language of the person who asked for the digest."""
    with translation.override(digest.language):
        return _render_matrix(digest)


def _render_matrix(digest: Digest) -> dict[str, IO[bytes]]:
    meta = document_meta(digest)
    files: dict[str, IO[bytes]] = {}
    comments = selectors.digest_matrix_comments(digest)
    title = _("Comment matrix: %(title)s, version %(number)s") % {
        "title": meta.draft_title,
        "number": meta.version_number,
    }
    handle = _spooled()
    for chunk in matrix_csv(matrix_rows(comments)):
        handle.write(chunk.encode())
    files[Format.MATRIX_CSV] = handle
    handle = _spooled()
    write_matrix_xlsx(matrix_rows(comments), handle, title=title)
    files[Format.MATRIX_XLSX] = handle
    if comments.count() <= MATRIX_DOCX_MAX_ROWS:
        handle = _spooled()
        write_matrix_docx(matrix_rows(comments), handle, title=title)
        files[Format.MATRIX_DOCX] = handle
    for handle in files.values():
        handle.seek(0)
    return files


def file_response(digest: Digest, export: DigestExport) -> FileResponse:
    """The download of one file of a digest (whoever may read it was decided by the caller):
    HTML and PDF shown inline, the others as attachments; the HTML may run no script."""
    format = export.format
    inline = format in (Format.HTML, Format.PDF)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=not inline,
        filename=file_name(digest, format),
        content_type="text/markdown; charset=utf-8" if format == Format.MARKDOWN else None,
    )
    if format == Format.HTML:
        # A standalone document of escaped text: no script may run in it, even if one slipped.
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        )
    return response
