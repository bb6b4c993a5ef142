"""Attachment files: what an uploaded position paper is, judged by its content and never by
its name (a PDF must open with pypdf; a DOCX or ODT must be a zip holding the members of its
kind, whose declared sizes are checked before anything is unpacked), and its text, extracted
once and capped. Each refusal is an :class:`ApplicationError` naming the file and the problem.
No workflow here: :mod:`comments.services.attachments` stores what passes."""

import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from haip_portal.exceptions import ApplicationError
from haip_portal.text import forbidden_character

from .models import Attachment

Kind = Attachment.Kind
FIELD = "attachments"
MAX_NAME_LENGTH = 200
MAX_ZIP_MEMBERS = 2000
MAX_PDF_PAGES = 2000
# Members compressed better than ``ATTACHMENT_MAX_RATIO`` are refused only when they would
# unpack to more than this: small XML parts legitimately compress very well.
RATIO_CHECKED_FROM = 1024 * 1024
EXTENSIONS = {".pdf": Kind.PDF, ".docx": Kind.DOCX, ".odt": Kind.ODT}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# What pypdf raises on a malformed file besides its own errors: it parses hostile input, and
# these are the failures of that parsing, not bugs of the portal.
PDF_PARSE_ERRORS = (
    PyPdfError,
    ValueError,
    LookupError,
    TypeError,
    AttributeError,
    RecursionError,
    OverflowError,
    zlib.error,
)


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """An upload that passed every check, with what is stored about it."""

    upload: UploadedFile
    name: str
    kind: str
    size: int
    sha256: str
    text: str


def _refuse(name: str, problem: str) -> ApplicationError:
    return ApplicationError(
        _("%(name)s: %(problem)s") % {"name": name, "problem": problem}, field=FIELD
    )


def _clean_name(upload: UploadedFile) -> str:
    raw = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(c for c in raw if forbidden_character(c, multiline=False) is None)
    if not name:
        raise _refuse(_("The file"), _("it has no name."))
    return name[:MAX_NAME_LENGTH]


def _sniff(head: bytes) -> str | None:
    """The kind the first bytes announce: a PDF header, or a zip (DOCX or ODT, told apart by
    their members)."""
    if head.startswith(b"%PDF-"):
        return Kind.PDF
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def check_attachment(upload: UploadedFile) -> CheckedFile:
    """Check one uploaded file and extract its text; raise naming the problem if it is not a
    PDF, DOCX or ODT within the limits, or is encrypted, damaged or a zip bomb."""
    name = _clean_name(upload)
    size = upload.size or 0
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise _refuse(
            name,
            _("the file is %(size)s bytes; the limit is %(limit)s per file.")
            % {"size": f"{size:,}", "limit": f"{limit:,}"},
        )
    if size == 0:
        raise _refuse(name, _("the file is empty."))
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:  # the declared size lied
        raise _refuse(
            name,
            _("the file is over the limit of %(limit)s bytes per file.") % {"limit": f"{limit:,}"},
        )
    sniffed = _sniff(data[:8])
    if sniffed is None:
        raise _refuse(
            name,
            _(
                "its content is not a PDF, Word (DOCX) or OpenDocument text (ODT) document; "
                "only those can be attached."
            ),
        )
    kind: str
    if sniffed == Kind.PDF:
        kind, text = Kind.PDF, _pdf_text(name, data)
    else:
        kind, text = _zip_document(name, data)
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    named = EXTENSIONS.get(extension)
    if named != kind:
        raise _refuse(
            name,
            _(
                "its content is a %(kind)s document but its name ends in '%(extension)s'; "
                "name it .%(suffix)s."
            )
            % {"kind": Kind(kind).label, "extension": extension or _("(nothing)"), "suffix": kind},
        )
    return CheckedFile(
        upload=upload,
        name=name,
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
    )


def _capped(parts: list[str]) -> str:
    return "\n".join(parts)[: settings.ATTACHMENT_MAX_TEXT_CHARS]


def _pdf_text(name: str, data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(
                name, _("the PDF is encrypted (password-protected); attach an unprotected copy.")
            )
        pages = len(reader.pages)
        if pages > MAX_PDF_PAGES:
            raise _refuse(
                name,
                _("the PDF has %(pages)s pages; the limit is %(max)s.")
                % {"pages": f"{pages:,}", "max": f"{MAX_PDF_PAGES:,}"},
            )
        parts: list[str] = []
        length = 0
        for page in reader.pages:
            part = page.extract_text() or ""
            parts.append(part)
            length += len(part)
            if length >= settings.ATTACHMENT_MAX_TEXT_CHARS:
                break
    except PDF_PARSE_ERRORS as error:
        raise _refuse(name, _("the PDF is damaged and cannot be read.")) from error
    return _capped(parts)


def _zip_document(name: str, data: bytes) -> tuple[str, str]:
    """The kind (DOCX or ODT) of a zip upload and its text, once its declared sizes pass."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise _refuse(
            name, _("the file is a damaged zip archive, not a readable document.")
        ) from error
    with archive:
        members = archive.infolist()
        _check_unpacked_sizes(name, members)
        names = {member.filename for member in members}
        try:
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return Kind.DOCX, _xml_text(
                    archive.open("word/document.xml"), paragraph=f"{W}p", text=f"{W}t"
                )
            if "content.xml" in names and _member(archive, "mimetype") == ODT_MIMETYPE:
                return Kind.ODT, _odt_text(archive.open("content.xml"))
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise _refuse(name, _("a part of the document is damaged.")) from error
        except (ElementTree.ParseError, DefusedXmlException) as error:
            raise _refuse(name, _("the document's text is not well-formed XML.")) from error
    raise _refuse(
        name,
        _("the file is a zip archive but not a Word (DOCX) or OpenDocument text (ODT) document."),
    )


def _check_unpacked_sizes(name: str, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb by what the archive declares, before reading any member (reads are
    then bounded by those declared sizes)."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise _refuse(
            name,
            _("the document holds %(count)s parts; the limit is %(max)s.")
            % {"count": f"{len(members):,}", "max": f"{MAX_ZIP_MEMBERS:,}"},
        )
    total = sum(member.file_size for member in members)
    limit = settings.ATTACHMENT_MAX_UNPACKED_BYTES
    if total > limit:
        raise _refuse(
            name,
            _("the document would unpack to %(total)s bytes; the limit is %(limit)s.")
            % {"total": f"{total:,}", "limit": f"{limit:,}"},
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise _refuse(name, _("the document is encrypted; attach an unprotected copy."))
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_FROM and ratio > settings.ATTACHMENT_MAX_RATIO:
            raise _refuse(
                name,
                _(
                    "its part '%(part)s' is compressed %(ratio)s times (more than %(max)s): "
                    "refused as a possible zip bomb."
                )
                % {
                    "part": member.filename[:80],
                    "ratio": f"{ratio:,.0f}",
                    "max": settings.ATTACHMENT_MAX_RATIO,
                },
            )


def _member(archive: zipfile.ZipFile, member: str) -> bytes:
    try:
        with archive.open(member) as handle:
            return handle.read(100).strip()
    except KeyError:
        return b""


def _xml_text(handle: IO[bytes], *, paragraph: str, text: str) -> str:
    """The text of the elements ``text``, one line per element ``paragraph``, capped."""
    with handle:
        root = ElementTree.parse(handle, forbid_dtd=True).getroot()
    parts: list[str] = []
    length = 0
    for block in root.iter(paragraph):
        part = "".join(node.text or "" for node in block.iter(text))
        parts.append(part)
        length += len(part)
        if length >= settings.ATTACHMENT_MAX_TEXT_CHARS:
            break
    return _capped(parts)


def _odt_text(handle: IO[bytes]) -> str:
    with handle:
        root = ElementTree.parse(handle, forbid_dtd=True).getroot()
    parts: list[str] = []
    length = 0
    for block in root.iter():
        if block.tag in (f"{TEXT_NS}p", f"{TEXT_NS}h"):
            part = "".join(block.itertext())
            parts.append(part)
            length += len(part)
            if length >= settings.ATTACHMENT_MAX_TEXT_CHARS:
                break
    return _capped(parts)
