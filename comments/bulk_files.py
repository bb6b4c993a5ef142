"""Bulk files: reading an uploaded JSON Lines or CSV file of up to 100,000 comments row by row,
the checks of its name, size, encoding and shape that refuse it whole, and the CSV of its
rejected rows. No workflow here: :mod:`comments.services.bulk` files the rows."""

import codecs
import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import ngettext

from haip_portal.api.parsers import MAX_JSON_DEPTH, json_depth_exceeds
from haip_portal.exceptions import ApplicationError

from .exports.cells import neutralise
from .inputs import (
    FLAT_COLUMNS,
    NON_FIELD,
    CommentInput,
    UnreadableItem,
    item_from_flat,
    read_comment_item,
)
from .models import BulkSubmission

MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024
CSV_COLUMNS = FLAT_COLUMNS
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
        yield reader.line_num, item_from_flat(row)


def _unreadable(reason: str) -> UnreadableItem:
    return UnreadableItem({NON_FIELD: [reason]})


def _count_rows(upload: UploadedFile, format: str) -> int:
    upload.seek(0)
    count = 0
    try:
        if format == BulkSubmission.Format.CSV:
            _check_csv_header(upload)
            upload.seek(0)
        for count, _row in enumerate(rows_of(upload, format), start=1):
            if count > MAX_ROWS:
                raise ApplicationError(
                    f"The file has more than {MAX_ROWS:,} rows; split it.", field="file"
                )
    except UnicodeDecodeError as error:
        raise ApplicationError(_not_utf8(upload), field="file") from error
    except csv.Error as error:
        raise ApplicationError(f"The CSV cannot be read: {error}.", field="file") from error
    finally:
        upload.seek(0)
    if count == 0:
        raise ApplicationError("The file holds no comments.", field="file")
    return count


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
            + f"the columns are: {', '.join(CSV_COLUMNS)}.",
            field="file",
        )


def _not_utf8(upload: UploadedFile) -> str:
    """Why a file that failed to decode is not UTF-8, naming the first bad line and byte."""
    upload.seek(0)
    start = upload.read(4)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return (
            "The file is not UTF-8 but UTF-16 (it starts with a UTF-16 byte-order mark); save "
            "it as UTF-8 and upload it again."
        )
    upload.seek(0)
    for number, line in enumerate(upload, start=1):
        raw = line.removeprefix(codecs.BOM_UTF8) if number == 1 else line
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            return (
                f"The file is not UTF-8: line {number} holds the byte 0x{raw[error.start]:02X} "
                f"(byte {error.start + 1} of the line), which UTF-8 cannot decode; save the "
                "file as UTF-8 and upload it again."
            )
    return "The file is not UTF-8; save it as UTF-8 and upload it again."


def format_of(upload: UploadedFile) -> str:
    name = (upload.name or "").lower()
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return BulkSubmission.Format.JSONL
    if name.endswith(".csv"):
        return BulkSubmission.Format.CSV
    raise ApplicationError(
        "Name the file .jsonl (JSON Lines: one comment object per line) or .csv.", field="file"
    )


def bulk_file_rows(upload: UploadedFile) -> int:
    """Check an uploaded file's name, size, encoding and shape; return its number of rows."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ApplicationError(
            f"The file is {upload.size:,} bytes; the limit is {MAX_BYTES:,} (50 MB).", field="file"
        )
    return _count_rows(upload, format_of(upload))


def file_chunks(submission: BulkSubmission, start: int) -> Iterator[list[Item]]:
    """The file's rows after the first ``start``, read as comments, in chunks of
    ``BULK_CHUNK_ROWS``."""
    with submission.file.open("rb") as handle:
        rows = rows_of(handle, submission.format)
        for _ in range(start):
            next(rows, None)
        chunk: list[Item] = []
        for line, value in rows:
            chunk.append(
                (line, value if isinstance(value, UnreadableItem) else read_comment_item(value))
            )
            if len(chunk) == settings.BULK_CHUNK_ROWS:
                yield chunk
                chunk = []
        if chunk:
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
