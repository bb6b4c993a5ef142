"""Bulk uploads: a JSON Lines or CSV file of up to 100,000 comments (alone, or in a ZIP with
the position papers its rows name), filed by the worker.

The database is the record of progress: each chunk's comments, rejections and counters are
written in one transaction, under a lock on the submission row. A worker that dies mid-file
leaves the file half done and consistent; the next run carries on after the last committed
row, so every row is filed exactly once.

Which run files a file is decided by a lease on its row, not by the broker: a run claims the
file (``lease_holder``, ``lease_expires_at``) and renews the lease with every chunk it commits.
A message for a file that is finished, or whose lease is held and current, does nothing, so a
message the broker delivers twice (Redis redelivers unacknowledged ones after its visibility
timeout) files nothing twice. When a worker is lost, its lease runs out after
``BULK_LEASE_SECONDS`` and beat (every ``BULK_RESUME_EVERY_SECONDS``) queues the file again
for any live worker: an orphaned upload is taken up within a minute.
"""

import os
import secrets
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError
from haip_portal.queueing import enqueue_on_commit

from .. import tasks
from ..attachment_files import CheckedFile
from ..bulk_files import Chunk, bulk_file_rows, file_chunks, format_of, sheet_of
from ..inputs import UnreadableItem
from ..models import BulkRejection, BulkSubmission, Comment
from . import submit
from .attachments import attachments_check, attachments_check_count, attachments_store

# A file whose runs stop this many times in a row before committing a chunk (a row that kills
# the worker, say) is marked failed rather than taken up for ever.
MAX_STALLED_RUNS = 5
UNFINISHED = (BulkSubmission.Status.QUEUED, BulkSubmission.Status.RUNNING)


def bulk_submission_create(
    *, version: DraftVersion, owner: User, upload: UploadedFile, rows: int | None = None
) -> BulkSubmission:
    """Check an uploaded file (a sheet, or a ZIP of a sheet and papers), store it and queue
    it for the worker (after commit).

    ``rows`` is the count from :func:`bulk_file_rows` when the caller already checked the file.
    """
    if version.status != DraftVersion.Status.OPEN:
        raise ApplicationError(_("%(version)s is not open for comment.") % {"version": version})
    format = format_of(upload)
    sheet_name = sheet_of(upload)
    if rows is None:
        rows = bulk_file_rows(upload)
    with transaction.atomic():
        submission = BulkSubmission.objects.create(
            version=version,
            owner=owner,
            file=upload,
            file_name=(upload.name or "upload")[:255],
            format=format,
            sheet_name=sheet_name,
            rows_total=rows,
            # Queued, held by nobody: beat sends it again if no run has claimed it by then.
            lease_expires_at=_lease_until(timezone.now()),
        )
        enqueue_on_commit(tasks.process_bulk_submission, submission.pk)
    return submission


def _lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.BULK_LEASE_SECONDS)


def _new_holder() -> str:
    """A name for one run, unique across hosts and processes, readable by an operator."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def _claim(submission_id: int, holder: str) -> BulkSubmission | None:
    """Take the lease for ``holder``; ``None`` when the file is finished or a live run holds
    it (this message is then a duplicate and does nothing)."""
    with transaction.atomic():
        submission = BulkSubmission.objects.select_for_update().get(pk=submission_id)
        now = timezone.now()
        if submission.status not in UNFINISHED:
            return None
        if submission.lease_holder and (
            submission.lease_expires_at is not None and submission.lease_expires_at > now
        ):
            return None
        if submission.stalled_runs >= MAX_STALLED_RUNS:
            submission.status = BulkSubmission.Status.FAILED
            submission.error = (
                f"Filing stopped {submission.stalled_runs} times in a row before row "
                f"{submission.rows_done + 1:,} could be filed (the worker was stopped or ran out "
                f"of memory); rows 1 to {submission.rows_done:,} are filed."
            )
            submission.finished_at = now
            submission.lease_holder = ""
            submission.save()
            return None
        submission.status = BulkSubmission.Status.RUNNING
        submission.started_at = submission.started_at or now
        submission.lease_holder = holder
        submission.lease_expires_at = _lease_until(now)
        submission.stalled_runs += 1
        submission.save()
        return submission


def _release(submission_id: int, holder: str) -> None:
    """Give the lease back at once (the run ended or failed), so beat can queue the file
    again at its next look instead of waiting for the lease to run out."""
    BulkSubmission.objects.filter(pk=submission_id, lease_holder=holder).update(
        lease_holder="", lease_expires_at=timezone.now()
    )


def bulk_submission_process(*, submission_id: int) -> BulkSubmission:
    """File the rows of a submission not filed yet, chunk by chunk, under a lease.

    Safe to run twice and to receive twice: a finished file, or one a live run holds, is left
    alone. A run that finds its lease was taken over (it stalled past the lease) stops before
    its next chunk; the run that took over carries on from the last committed row.
    """
    holder = _new_holder()
    claimed = _claim(submission_id, holder)
    if claimed is None:
        return BulkSubmission.objects.get(pk=submission_id)
    # Rejected rows are reported in the language the uploader chose for the portal.
    language = claimed.owner.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            return _file_rows(claimed, holder)
    finally:
        _release(submission_id, holder)


def _others_wait(submission: BulkSubmission) -> bool:
    """Whether another unfinished upload waits for a run (queued, or held by nobody)."""
    waiting = Q(lease_holder="") | Q(lease_expires_at__lte=timezone.now())
    return (
        BulkSubmission.objects.filter(waiting, status__in=UNFINISHED)
        .exclude(pk=submission.pk)
        .exists()
    )


def _yield_turn(submission: BulkSubmission) -> BulkSubmission:
    """Give the lease back and queue the upload again, behind those waiting (after commit):
    its next run carries on after its last committed row."""
    submission.lease_holder = ""
    submission.lease_expires_at = timezone.now()
    submission.save(update_fields=["lease_holder", "lease_expires_at", "updated_at"])
    enqueue_on_commit(tasks.process_bulk_submission, submission.pk)
    return submission


def _file_rows(submission: BulkSubmission, holder: str) -> BulkSubmission:
    """File chunk after chunk; after ``BULK_SLICE_CHUNKS`` of them, if another upload waits,
    go to the back of the queue so that uploads take turns."""
    position = submission.rows_done
    chunks = file_chunks(submission, position)
    filed = 0
    while True:
        with transaction.atomic():
            locked = BulkSubmission.objects.select_for_update().get(pk=submission.pk)
            if locked.lease_holder != holder or locked.status != BulkSubmission.Status.RUNNING:
                return locked  # another run took the file over, or finished it
            if locked.rows_done != position:  # never with the lease held; follow the row
                position = locked.rows_done
                chunks = file_chunks(locked, position)
            chunk = next(chunks, None)
            if chunk is None:
                locked.status = BulkSubmission.Status.DONE
                locked.finished_at = timezone.now()
                locked.save(update_fields=["status", "finished_at", "updated_at"])
                return locked
            if filed >= settings.BULK_SLICE_CHUNKS and _others_wait(locked):
                return _yield_turn(locked)  # the next run reads this chunk again
            try:
                _file_chunk(locked, chunk)
            except ApplicationError as error:  # the version closed, say: the rest cannot go in
                locked.status = BulkSubmission.Status.FAILED
                locked.error = error.message
                locked.finished_at = timezone.now()
                locked.save(update_fields=["status", "error", "finished_at", "updated_at"])
                return locked
            filed += 1
            locked.lease_expires_at = _lease_until(timezone.now())
            locked.stalled_runs = 0
            locked.save(
                update_fields=[
                    "rows_done",
                    "created_count",
                    "duplicate_count",
                    "rejected_count",
                    "papers_count",
                    "lease_expires_at",
                    "stalled_runs",
                    "updated_at",
                ]
            )
            position = locked.rows_done


def _file_chunk(submission: BulkSubmission, chunk: Chunk) -> None:
    """File one chunk's rows with their papers and record its rejections; add to the counters
    (saved by the caller in the same transaction). A row whose paper is refused is rejected
    naming the paper; nothing of it is stored."""
    refused, papers = _check_papers(chunk)
    results = submit.comments_submit_batch(
        version=submission.version,
        author=submission.owner,
        items=[item for _line, item in chunk.rows],
        channel=Comment.Channel.BULK,
        refused=refused,
    )
    for index, checked in papers.items():
        comment = results[index].comment
        if results[index].status == "created" and comment is not None:
            attachments_store(comment=comment, user=submission.owner, files=checked)
            submission.papers_count += len(checked)
    rejections = [
        BulkRejection(submission=submission, line=line, errors=result.errors)
        for (line, _item), result in zip(chunk.rows, results, strict=True)
        if result.status == "rejected"
    ]
    BulkRejection.objects.bulk_create(rejections)
    submission.rows_done += len(chunk)
    submission.created_count += sum(1 for result in results if result.status == "created")
    submission.duplicate_count += sum(1 for result in results if result.status == "duplicate")
    submission.rejected_count += len(rejections)


def _check_papers(
    chunk: Chunk,
) -> tuple[dict[int, ApplicationError], dict[int, list[CheckedFile]]]:
    """Why the papers of a row of the chunk are refused, and the checked papers of the others,
    by the row's index (read from the archive, checked as a single upload is)."""
    refused: dict[int, ApplicationError] = {}
    checked: dict[int, list[CheckedFile]] = {}
    for index, names in chunk.papers.items():
        if isinstance(chunk.rows[index][1], UnreadableItem) or chunk.archive is None:
            continue
        try:
            attachments_check_count(len(names))
            checked[index] = attachments_check([chunk.archive.open(name) for name in names])
        except ApplicationError as error:
            refused[index] = error
    return refused, checked


def bulk_submissions_requeue_stalled(*, now: datetime | None = None) -> list[int]:
    """Queue again every unfinished upload whose lease ran out (its worker was lost, or its
    message never reached a worker); run by beat. Each is given a fresh lease with no holder,
    so it is queued once per lease, and any live run may claim it."""
    now = now or timezone.now()
    lapsed = Q(status__in=UNFINISHED) & (
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    )
    requeued = []
    for submission_id in BulkSubmission.objects.filter(lapsed).values_list("pk", flat=True):
        # Conditional, row by row: a holder that renewed its lease meanwhile keeps its file.
        released = BulkSubmission.objects.filter(lapsed, pk=submission_id).update(
            lease_holder="", lease_expires_at=_lease_until(now)
        )
        if released:
            requeued.append(submission_id)
            enqueue_on_commit(tasks.process_bulk_submission, submission_id)
    return requeued
