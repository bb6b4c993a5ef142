"""Bulk files: reading an uploaded JSON Lines or CSV file of up to 100,000 comments row by row
(alone, or as the sheet of a ZIP that holds the position papers its rows name), the checks of
its name, size, encoding and shape that refuse it whole, and the CSV of its rejected rows. No
workflow here: :mod:`comments.services.bulk` files the rows."""

import codecs
import csv
import dataclasses
import io
import json
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haip_portal.api.parsers import MAX_JSON_DEPTH, json_depth_exceeds
from haip_portal.exceptions import ApplicationError

from .attachment_files import FIELD as PAPERS_FIELD
from .bulk_archives import (
    ARCHIVE_READ_ERRORS,
    Papers,
    archive_sheet,
    is_archive,
    open_archive,
    paper_names,
)
from .exports.cells import neutralise
from .inputs import (
    FLAT_COLUMNS,
    NON_FIELD,
    CommentInput,
    UnreadableItem,
    filed_for,
    item_from_flat,
    read_comment_item,
)
from .models import BulkSubmission

MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024
CSV_COLUMNS = FLAT_COLUMNS
# In a ZIP upload, the column (or JSON key) naming a row's papers.
PAPERS_COLUMN = PAPERS_FIELD
CSV_REQUIRED = ("line_start", "body")

# (line of the file, the row as a raw item, or why the line is no item at all)
Row = tuple[int, dict[str, Any] | UnreadableItem]
# (line of the file, the row read as a comment, or why it cannot be)
Item = tuple[int, CommentInput | UnreadableItem]


def _text(handle: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")


def rows_of(handle: IO[bytes], format: str) -> Iterator[Row]:
    """Every data row of the file with its line number, as a raw item (a CSV row in the shape
    of a JSON one); a line that holds no item is yielded as the reason. The file itself is
    left open."""
    text = _text(handle)
    try:
        yield from _text_rows(text, format)
    finally:
        text.detach()


def _text_rows(text: io.TextIOWrapper, format: str) -> Iterator[Row]:
    if format == BulkSubmission.Format.JSONL:
        for line_number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield (
                    line_number,
                    _unreadable(f"Line {line_number} is not valid JSON ({error.msg})."),
                )
                continue
            except RecursionError:  # deeper than the interpreter's stack
                value = None
                too_deep = True
            else:
                too_deep = json_depth_exceeds(value, MAX_JSON_DEPTH)
            if too_deep:
                yield (
                    line_number,
                    _unreadable(
                        f"Line {line_number} is nested more than {MAX_JSON_DEPTH} levels deep."
                    ),
                )
            elif not isinstance(value, dict):
                yield line_number, _unreadable(f"Line {line_number} is not a JSON object.")
            else:
                yield line_number, value
        return
    reader = csv.DictReader(text)
    for row in reader:
        item = item_from_flat(row)
        if row.get(PAPERS_COLUMN):
            item[PAPERS_COLUMN] = row[PAPERS_COLUMN]
        yield reader.line_num, item


def _unreadable(reason: str) -> UnreadableItem:
    return UnreadableItem({NON_FIELD: [reason]})


def _count_rows(upload: UploadedFile, format: str) -> tuple[int, Counter[str]]:
    upload.seek(0)
    count = 0
    organisations: Counter[str] = Counter()
    try:
        if format == BulkSubmission.Format.CSV:
            _check_csv_header(upload)
            upload.seek(0)
        for count, (_line, item) in enumerate(rows_of(upload, format), start=1):
            organisations[filed_for(item)] += 1
            if count > MAX_ROWS:
                raise ApplicationError(
                    _("The file has more than %(max)s rows; split it.") % {"max": f"{MAX_ROWS:,}"},
                    field="file",
                )
    except UnicodeDecodeError as error:
        raise ApplicationError(_not_utf8(upload), field="file") from error
    except csv.Error as error:
        raise ApplicationError(
            _("The CSV cannot be read: %(error)s.") % {"error": error}, field="file"
        ) from error
    finally:
        upload.seek(0)
    if count == 0:
        raise ApplicationError(_("The file holds no comments."), field="file")
    return count, organisations


def _check_csv_header(upload: UploadedFile) -> None:
    text = _text(upload)
    try:
        header = next(csv.reader(text), [])
    finally:
        text.detach()
    missing = [column for column in CSV_REQUIRED if column not in header]
    if missing:
        raise ApplicationError(
            ngettext(
                "The CSV header lacks the column %(missing)s; ",
                "The CSV header lacks the columns %(missing)s; ",
                len(missing),
            )
            % {"missing": ", ".join(missing)}
            + _("the columns are: %(columns)s (and, in a ZIP, %(papers)s).")
            % {"columns": ", ".join(CSV_COLUMNS), "papers": PAPERS_COLUMN},
            field="file",
        )


def _not_utf8(upload: UploadedFile) -> str:
    """Why a file that failed to decode is not UTF-8, naming the first bad line and byte."""
    upload.seek(0)
    start = upload.read(4)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _(
            "The file is not UTF-8 but UTF-16 (it starts with a UTF-16 byte-order mark); save "
            "it as UTF-8 and upload it again."
        )
    upload.seek(0)
    for number, line in enumerate(upload, start=1):
        raw = line.removeprefix(codecs.BOM_UTF8) if number == 1 else line
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            return _(
                "The file is not UTF-8: line %(number)s holds the byte %(byte)s (byte "
                "%(position)s of the line), which UTF-8 cannot decode; save the file as UTF-8 "
                "and upload it again."
            ) % {
                "number": number,
                "byte": f"0x{raw[error.start]:02X}",
                "position": error.start + 1,
            }
    return _("The file is not UTF-8; save it as UTF-8 and upload it again.")


def _format_of_name(name: str) -> str:
    name = name.lower()
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return BulkSubmission.Format.JSONL
    if name.endswith(".csv"):
        return BulkSubmission.Format.CSV
    raise ApplicationError(
        _(
            "Name the file .jsonl (JSON Lines: one comment object per line) or .csv, or send "
            "the sheet and its position papers together as a .zip."
        ),
        field="file",
    )


def sheet_of(upload: UploadedFile) -> str:
    """The name of the comments sheet inside an uploaded ZIP, once the archive passed its
    checks; empty when the upload is the sheet itself."""
    if not is_archive(upload.name or ""):
        return ""
    upload.seek(0)
    try:
        with open_archive(upload) as archive:
            return archive_sheet(archive)
    finally:
        upload.seek(0)


def format_of(upload: UploadedFile) -> str:
    """The format of the upload's comments sheet (CSV or JSON Lines), by its name."""
    return _format_of_name(sheet_of(upload) or upload.name or "")


def bulk_file_rows(upload: UploadedFile) -> int:
    """Check an uploaded file's name, size, encoding and shape (a ZIP's too, and its sheet's);
    return its number of rows."""
    return bulk_file_tally(upload)[0]


def bulk_file_tally(upload: UploadedFile) -> tuple[int, Counter[str]]:
    """:func:`bulk_file_rows`, with the rows counted by the organisation they are filed for
    (:func:`~comments.inputs.filed_for`; ``""`` for the uploader as an individual)."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ApplicationError(
            _("The file is %(size)s bytes; the limit is %(max)s (50 MB).")
            % {"size": f"{upload.size:,}", "max": f"{MAX_BYTES:,}"},
            field="file",
        )
    sheet = sheet_of(upload)
    if not sheet:
        return _count_rows(upload, format_of(upload))
    with tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE) as copy:
        with open_archive(upload) as archive:
            if archive.getinfo(sheet).file_size > MAX_BYTES:
                raise ApplicationError(
                    _("The sheet %(name)s would unpack to more than %(max)s bytes (50 MB).")
                    % {"name": sheet, "max": f"{MAX_BYTES:,}"},
                    field="file",
                )
            try:
                with archive.open(sheet) as handle:
                    copy.write(handle.read(MAX_BYTES + 1))
            except ARCHIVE_READ_ERRORS as error:
                raise ApplicationError(
                    _("The sheet %(name)s is damaged in the ZIP.") % {"name": sheet}, field="file"
                ) from error
        upload.seek(0)
        sheet_file = UploadedFile(copy, name=sheet, size=copy.tell())
        return _count_rows(sheet_file, _format_of_name(sheet))


@dataclass(slots=True)
class Chunk:
    """Rows of a file filed together, with the papers each names (by the row's index in
    ``rows``) and the archive to read them from (``None`` for a plain sheet)."""

    rows: list[Item] = dataclasses.field(default_factory=list)
    papers: dict[int, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    archive: Papers | None = None
    paper_bytes: int = 0

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, line: int, value: dict[str, Any] | UnreadableItem) -> None:
        if isinstance(value, UnreadableItem):
            self.rows.append((line, value))
            return
        names = paper_names(value.get(PAPERS_COLUMN))
        if isinstance(names, str):
            self.rows.append((line, UnreadableItem({PAPERS_COLUMN: [names]})))
            return
        if names and self.archive is None:
            refusal = _(
                "Papers can be named only in a ZIP upload: send the sheet and its papers "
                "together as a .zip."
            )
            self.rows.append((line, UnreadableItem({PAPERS_COLUMN: [refusal]})))
            return
        if names and self.archive is not None:
            self.papers[len(self.rows)] = names
            limit = settings.ATTACHMENT_MAX_BYTES + 1
            self.paper_bytes += sum(min(self.archive.declared_size(name), limit) for name in names)
        self.rows.append((line, read_comment_item(value)))

    def full(self) -> bool:
        return (
            len(self.rows) >= settings.BULK_CHUNK_ROWS
            or self.paper_bytes >= settings.BULK_CHUNK_PAPER_BYTES
        )


def file_chunks(submission: BulkSubmission, start: int) -> Iterator[Chunk]:
    """The file's rows after the first ``start``, read as comments, in chunks of
    ``BULK_CHUNK_ROWS``, or fewer when their papers reach ``BULK_CHUNK_PAPER_BYTES`` (the
    papers of one chunk are held in memory while it is filed)."""
    with submission.file.open("rb") as handle:
        if not submission.sheet_name:
            yield from _chunks(rows_of(handle, submission.format), start, None)
            return
        with zipfile.ZipFile(handle) as archive, archive.open(submission.sheet_name) as sheet:
            papers = Papers(archive)
            yield from _chunks(rows_of(sheet, submission.format), start, papers)


def _chunks(rows: Iterator[Row], start: int, papers: Papers | None) -> Iterator[Chunk]:
    for _skipped in range(start):
        next(rows, None)
    chunk = Chunk(archive=papers)
    for line, value in rows:
        chunk.add(line, value)
        if chunk.full():
            yield chunk
            chunk = Chunk(archive=papers)
    if chunk.rows:
        yield chunk


def rejections_csv(submission: BulkSubmission) -> Iterator[str]:
    """The rejected rows as CSV lines: the file's line number and the reasons, every text cell
    neutralised for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["line", "field", "reason"])
    for rejection in submission.rejections.order_by("line").iterator(chunk_size=2000):
        for field, reasons in rejection.errors.items():
            for reason in reasons if isinstance(reasons, list) else [reasons]:
                writer.writerow([rejection.line, neutralise(field), neutralise(str(reason))])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
    if buffer.getvalue():
        yield buffer.getvalue()
