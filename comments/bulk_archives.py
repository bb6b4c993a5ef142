"""Bulk uploads as a ZIP: the comments sheet (CSV or JSON Lines) with the position papers its
rows name. The archive is judged whole before it is accepted (entry count, declared unpacked
sizes and compression, names that climb out of it, encrypted or nested archives, exactly one
sheet); each paper is then read by the worker, bounded, for the checks every attachment passes
(:mod:`comments.attachment_files`). No workflow here: :mod:`comments.services.bulk` files the
rows and stores their papers."""

import io
import posixpath
import re
import zipfile
import zlib
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.utils.translation import gettext as _

from haip_portal.exceptions import ApplicationError

from .attachment_files import FIELD as PAPERS_FIELD

MAX_MEMBERS = 10_000
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
# Members compressed better than this are refused when they would unpack to more than
# ``RATIO_CHECKED_FROM`` (a sheet of repeated rows legitimately compresses well).
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024
SHEET_EXTENSIONS = (".csv", ".jsonl", ".ndjson")
NESTED_EXTENSIONS = (".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".tar")
PAPER_SEPARATOR = ";"
_DRIVE = re.compile(r"^[A-Za-z]:")
# What reading a damaged or unusual entry raises: a bad CRC or header, corrupt compressed
# data, a truncated archive, a compression method the standard library does not read.
ARCHIVE_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError)


def is_archive(name: str) -> bool:
    return name.lower().endswith(".zip")


def _refuse(message: str) -> ApplicationError:
    return ApplicationError(message, field="file")


def _check_name(name: str) -> None:
    """Refuse a member whose name could climb out of the archive when unpacked."""
    parts = name.split("/")
    if (
        name.startswith("/")
        or "\\" in name
        or _DRIVE.match(name)
        or ".." in parts
        or "\x00" in name
    ):
        raise _refuse(
            _(
                "The ZIP holds an entry named '%(name)s', which points outside the archive; "
                "name every entry by a plain path inside it."
            )
            % {"name": name[:120]}
        )


def _check_member(member: zipfile.ZipInfo) -> None:
    _check_name(member.filename)
    if member.flag_bits & 0x1:
        raise _refuse(
            _("The ZIP's entry '%(name)s' is encrypted; send an unprotected archive.")
            % {"name": member.filename[:120]}
        )
    if member.filename.lower().endswith(NESTED_EXTENSIONS):
        raise _refuse(
            _("The ZIP holds another archive, '%(name)s'; put the papers themselves in it.")
            % {"name": member.filename[:120]}
        )
    ratio = member.file_size / max(member.compress_size, 1)
    if member.file_size > RATIO_CHECKED_FROM and ratio > MAX_RATIO:
        raise _refuse(
            _(
                "The ZIP's entry '%(name)s' is compressed %(ratio)s times (more than %(max)s): "
                "refused as a possible zip bomb."
            )
            % {"name": member.filename[:120], "ratio": f"{ratio:,.0f}", "max": MAX_RATIO}
        )


def open_archive(handle: IO[bytes]) -> zipfile.ZipFile:
    """The ZIP in ``handle``, or a refusal naming why it cannot be read."""
    try:
        return zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise _refuse(_("The file is not a readable ZIP archive.")) from error


def archive_sheet(archive: zipfile.ZipFile) -> str:
    """Check the whole archive by what it declares, before anything is unpacked, and return
    the name of its one comments sheet."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _refuse(
            _("The ZIP holds %(count)s entries; the limit is %(max)s.")
            % {"count": f"{len(members):,}", "max": f"{MAX_MEMBERS:,}"}
        )
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise _refuse(
            _("The ZIP would unpack to %(total)s bytes; the limit is %(max)s.")
            % {"total": f"{total:,}", "max": f"{MAX_UNPACKED_BYTES:,}"}
        )
    for member in members:
        _check_member(member)
    sheets = [
        member.filename
        for member in members
        if not member.is_dir()
        and member.filename.lower().endswith(SHEET_EXTENSIONS)
        and not _system_file(member.filename)
    ]
    if len(sheets) != 1:
        found = ", ".join(sheets[:5]) if sheets else _("none")
        raise _refuse(
            _(
                "The ZIP must hold exactly one comments sheet (.csv or .jsonl) beside the "
                "papers; found: %(found)s."
            )
            % {"found": found}
        )
    return sheets[0]


def _system_file(name: str) -> bool:
    """What a desktop adds when it zips a folder (macOS resource forks), never a sheet."""
    return name.startswith("__MACOSX/") or posixpath.basename(name).startswith("._")


def paper_names(value: object) -> tuple[str, ...] | str:
    """The papers a row names: a list of names, or one text of names separated by ``;``.
    A text instead of a tuple is why the value cannot be read."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        names = value.split(PAPER_SEPARATOR)
    elif isinstance(value, list) and all(isinstance(name, str) for name in value):
        names = value
    else:
        return _("Name the papers as a list of texts, or as one text separated by ';'.")
    return tuple(name.strip().removeprefix("./") for name in names if name.strip())


class Papers:
    """The papers of an open archive, read one at a time and never past the size an
    attachment may have (what the file declares is kept, so the check names it)."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.members = {member.filename: member for member in archive.infolist()}

    def declared_size(self, name: str) -> int:
        member = self.members.get(name)
        return member.file_size if member is not None else 0

    def open(self, name: str) -> InMemoryUploadedFile:
        member = self.members.get(name)
        if member is None or member.is_dir():
            raise ApplicationError(
                _("%(name)s: the ZIP holds no paper of that name.") % {"name": name[:120]},
                field=PAPERS_FIELD,
            )
        try:
            with self.archive.open(member) as handle:
                data = handle.read(settings.ATTACHMENT_MAX_BYTES + 1)
        except ARCHIVE_READ_ERRORS as error:
            raise ApplicationError(
                _("%(name)s: the paper is damaged in the ZIP.") % {"name": name[:120]},
                field=PAPERS_FIELD,
            ) from error
        return InMemoryUploadedFile(
            io.BytesIO(data),
            field_name=PAPERS_FIELD,
            name=posixpath.basename(name),
            content_type="application/octet-stream",
            size=member.file_size,
            charset=None,
        )
