"""Uploads take turns: a run files a slice of its upload while others wait, then goes to the
back of the queue, so one organisation's uploads of a million rows delay another's upload by
a slice each, not by their million rows; every row is still filed exactly once."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from comments.models import BulkSubmission, Comment
from comments.services import bulk
from tests.comments.factories import open_version, representative_of, verified_organisation

pytestmark = pytest.mark.django_db


def _submission(version, owner, prefix: str, rows: int) -> BulkSubmission:
    lines = [
        json.dumps({"external_id": f"{prefix}{n}", "line_start": 4, "body": f"{prefix} {n}."})
        for n in range(rows)
    ]
    upload = SimpleUploadedFile(f"{prefix}.jsonl", ("\n".join(lines) + "\n").encode())
    return bulk.bulk_submission_create(version=version, owner=owner, upload=upload)


def _queued_ids(callbacks) -> list[int]:
    """The uploads the captured after-commit callbacks queue, in order (each callback is
    named after the task and ids it sends)."""
    sent = (re.fullmatch(SENT, callback.__qualname__) for callback in callbacks)
    return [int(match[1]) for match in sent if match]


SENT = r"send comments\.tasks\.process_bulk_submission\((\d+),\)"


@override_settings(BULK_CHUNK_ROWS=2, BULK_SLICE_CHUNKS=1)
def test_uploads_take_turns_a_slice_each_and_file_every_row_once(
    django_capture_on_commit_callbacks,
):
    version = open_version(sections=3, lines_per_section=3)
    big = representative_of(verified_organisation(name="Burst Inc"))
    small = representative_of(verified_organisation(name="Quiet Lab"))
    with django_capture_on_commit_callbacks() as created:
        first = _submission(version, big, "a", 10)
        second = _submission(version, small, "b", 4)
    queue = [first.pk, second.pk]
    assert len(created) == 2
    runs = []
    while queue:  # the worker, taking the queue's messages in order
        submission_id = queue.pop(0)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            done = bulk.bulk_submission_process(submission_id=submission_id)
        runs.append((submission_id, done.rows_done))
        queue += [pk for pk in _queued_ids(callbacks) if pk not in queue]
    # A slice of the first, then of the second, and so on; once the second is done, the first
    # goes on alone without yielding to nobody.
    assert runs == [(first.pk, 2), (second.pk, 2), (first.pk, 4), (second.pk, 4), (first.pk, 10)]
    order = list(Comment.objects.order_by("number").values_list("external_id", flat=True))
    assert order == [
        "a0",
        "a1",
        "b0",
        "b1",
        "a2",
        "a3",
        "b2",
        "b3",
        *[f"a{n}" for n in range(4, 10)],
    ]
    for submission in (first, second):
        submission.refresh_from_db()
        assert submission.status == BulkSubmission.Status.DONE
        assert submission.created_count == submission.rows_total


@override_settings(BULK_CHUNK_ROWS=2, BULK_SLICE_CHUNKS=1)
def test_an_upload_alone_is_filed_in_one_run(django_capture_on_commit_callbacks):
    version = open_version(sections=3, lines_per_section=3)
    owner = representative_of(verified_organisation(name="Burst Inc"))
    with django_capture_on_commit_callbacks():
        submission = _submission(version, owner, "a", 9)
    with django_capture_on_commit_callbacks() as callbacks:
        done = bulk.bulk_submission_process(submission_id=submission.pk)
    assert done.status == BulkSubmission.Status.DONE and done.rows_done == 9
    assert _queued_ids(callbacks) == []
