"""Bulk uploads: a JSON Lines or CSV file of up to 100,000 comments, filed by the worker.

The database is the record of progress: each chunk's comments, rejections and counters are
written in one transaction, under a lock on the submission row. A worker that dies mid-file
leaves the file half done and consistent; the next run (a retry, or the beat task that picks up
stalled uploads) carries on after the last committed row, so every row is filed exactly once.
"""

import codecs
import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from drafts.models import DraftVersion
from haip_portal.api import field_errors
from haip_portal.exceptions import ApplicationError
from haip_portal.parsers import MAX_JSON_DEPTH, json_depth_exceeds

from . import services, tasks
from .api.serializers import CommentInputSerializer, comment_input
from .exports.cells import neutralise
from .inputs import CommentInput
from .models import BulkRejection, BulkSubmission, Comment

MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024
CSV_COLUMNS = (
    "external_id",
    "line_start",
    "line_end",
    "quote_exact",
    "quote_prefix",
    "quote_suffix",
    "quote_start",
    "kind",
    "stance",
    "body",
    "proposed_text",
    "visibility",
    "language",
    "organisation",
)
CSV_REQUIRED = ("line_start", "body")

Row = tuple[int, Any]  # (line of the file, parsed row or an error message)


def _text(handle: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")


def _rows(handle: IO[bytes], format: str) -> Iterator[Row]:
    """Every data row of the file with its line number; a row that cannot be read is
    yielded as a string saying why. The file itself is left open."""
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
                yield line_number, f"Line {line_number} is not valid JSON ({error.msg})."
                continue
            except RecursionError:  # deeper than the interpreter's stack
                value = None
                too_deep = True
            else:
                too_deep = json_depth_exceeds(value, MAX_JSON_DEPTH)
            if too_deep:
                yield (
                    line_number,
                    f"Line {line_number} is nested more than {MAX_JSON_DEPTH} levels deep.",
                )
            elif not isinstance(value, dict):
                yield line_number, f"Line {line_number} is not a JSON object."
            else:
                yield line_number, value
        return
    reader = csv.DictReader(text)
    for row in reader:
        yield reader.line_num, _csv_item(row)


def _csv_item(row: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        name: value
        for name, value in row.items()
        if name in CSV_COLUMNS and value not in ("", None)
    }
    quote = {
        part: item.pop(f"quote_{part}")
        for part in ("exact", "prefix", "suffix", "start")
        if f"quote_{part}" in item
    }
    if "exact" in quote:
        item["quote"] = quote
    return item


def _count_rows(upload: UploadedFile, format: str) -> int:
    upload.seek(0)
    count = 0
    try:
        if format == BulkSubmission.Format.CSV:
            _check_csv_header(upload)
            upload.seek(0)
        for count, _row in enumerate(_rows(upload, format), start=1):
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
            f"The CSV header lacks the column(s) {', '.join(missing)}; "
            f"the columns are: {', '.join(CSV_COLUMNS)}.",
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


def _format_of(upload: UploadedFile) -> str:
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
    return _count_rows(upload, _format_of(upload))


def bulk_submission_create(
    *, version: DraftVersion, owner: User, upload: UploadedFile, rows: int | None = None
) -> BulkSubmission:
    """Check an uploaded file, store it and queue it for the worker (after commit).

    ``rows`` is the count from :func:`bulk_file_rows` when the caller already checked the file.
    """
    if version.status != DraftVersion.Status.OPEN:
        raise ApplicationError(f"{version} is not open for comment.")
    format = _format_of(upload)
    if rows is None:
        rows = bulk_file_rows(upload)
    with transaction.atomic():
        submission = BulkSubmission.objects.create(
            version=version,
            owner=owner,
            file=upload,
            file_name=(upload.name or "upload")[:255],
            format=format,
            rows_total=rows,
        )
        submission_id = submission.pk
        transaction.on_commit(
            lambda: tasks.process_bulk_submission.delay(submission_id), robust=True
        )
    return submission


def _parse(rows: list[Row]) -> tuple[list[tuple[int, CommentInput]], dict[int, Any]]:
    parsed: list[tuple[int, dict[str, Any]]] = []
    rejected: dict[int, Any] = {}
    validator = CommentInputSerializer()
    for line, value in rows:
        if isinstance(value, str):
            rejected[line] = {"non_field_errors": [value]}
            continue
        data, errors = validator.check(value)
        if data is not None:
            parsed.append((line, data))
        else:
            rejected[line] = field_errors(errors)
    slugs = {data.get("organisation") for _, data in parsed} - {None, ""}
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    inputs = []
    for line, data in parsed:
        try:
            inputs.append((line, comment_input(data, organisations)))
        except Exception as error:  # noqa: BLE001 - a DRF ValidationError about this row
            rejected[line] = field_errors(getattr(error, "detail", str(error)))
    return inputs, rejected


def _file_chunks(submission: BulkSubmission, start: int) -> Iterator[list[Row]]:
    with submission.file.open("rb") as handle:
        rows = _rows(handle, submission.format)
        for _ in range(start):
            next(rows, None)
        chunk: list[Row] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == settings.BULK_CHUNK_ROWS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def bulk_submission_process(*, submission_id: int) -> BulkSubmission:
    """File the rows of a submission not filed yet, chunk by chunk; safe to run again."""
    submission = BulkSubmission.objects.select_related("version", "owner").get(pk=submission_id)
    if submission.status in (BulkSubmission.Status.DONE, BulkSubmission.Status.FAILED):
        return submission
    BulkSubmission.objects.filter(pk=submission_id).update(
        status=BulkSubmission.Status.RUNNING, started_at=submission.started_at or timezone.now()
    )
    position = submission.rows_done
    chunks = _file_chunks(submission, position)
    while True:
        with transaction.atomic():
            locked = BulkSubmission.objects.select_for_update().get(pk=submission_id)
            if locked.status in (BulkSubmission.Status.DONE, BulkSubmission.Status.FAILED):
                return locked
            if locked.rows_done != position:  # another run went ahead: follow it
                position = locked.rows_done
                chunks = _file_chunks(locked, position)
            chunk = next(chunks, None)
            if chunk is None:
                locked.status = BulkSubmission.Status.DONE
                locked.finished_at = timezone.now()
                locked.save(update_fields=["status", "finished_at", "updated_at"])
                return locked
            try:
                _file_chunk(locked, chunk)
            except ApplicationError as error:  # the version closed, say: the rest cannot go in
                locked.status = BulkSubmission.Status.FAILED
                locked.error = error.message
                locked.finished_at = timezone.now()
                locked.save(update_fields=["status", "error", "finished_at", "updated_at"])
                return locked
            position = locked.rows_done


def _file_chunk(submission: BulkSubmission, chunk: list[Row]) -> None:
    inputs, rejected = _parse(chunk)
    results = services.comments_submit_batch(
        version=submission.version,
        author=submission.owner,
        items=[item for _, item in inputs],
        channel=Comment.Channel.BULK,
    )
    counts = {"created": 0, "duplicate": 0}
    for (line, _item), result in zip(inputs, results, strict=True):
        if result.status == "rejected":
            rejected[line] = result.errors
        else:
            counts[result.status] += 1
    BulkRejection.objects.bulk_create(
        BulkRejection(submission=submission, line=line, errors=errors)
        for line, errors in sorted(rejected.items())
    )
    submission.rows_done += len(chunk)
    submission.created_count += counts["created"]
    submission.duplicate_count += counts["duplicate"]
    submission.rejected_count += len(rejected)
    submission.save(
        update_fields=[
            "rows_done",
            "created_count",
            "duplicate_count",
            "rejected_count",
            "status",
            "updated_at",
        ]
    )


def bulk_submissions_stalled() -> list[int]:
    """Uploads whose worker stopped (no progress for a while): the beat task re-queues them."""
    stalled_after = timedelta(seconds=settings.BULK_STALLED_AFTER_SECONDS)
    return list(
        BulkSubmission.objects.filter(
            status__in=[BulkSubmission.Status.QUEUED, BulkSubmission.Status.RUNNING],
            updated_at__lt=timezone.now() - stalled_after,
        ).values_list("pk", flat=True)
    )


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
