"""Who files a bulk upload is decided by a lease on its row, not by the broker: a duplicate or
redelivered message does nothing, a run that lost its lease stops, a lost worker's upload is
queued again by beat when its lease runs out; and, with real processes, a worker killed whole
mid-upload is replaced by a fresh one that finishes the file within a minute."""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from comments.models import BulkSubmission, Comment
from comments.services import bulk
from tests.comments.test_bulk import (
    _setting_committed,
    _upload,
    good_rows,
    jsonl,
)
from tests.conftest import wait_until


@pytest.fixture
def setting(db) -> dict:
    """An open version and its organisation's representative with a comments token."""
    return _setting_committed()


@pytest.fixture
def shared_media(tmp_path, settings):
    """Uploads written where the worker processes read them."""
    (tmp_path / "media").mkdir()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path / "media"


def _queued(client, setting, rows: int) -> int:
    """An upload stored and queued, its message not run (on_commit callbacks are dropped)."""
    response = _upload(client, setting, "comments.jsonl", jsonl(good_rows(rows)))
    assert response.status_code == 202, response.content
    return response.json()["id"]


def _take(submission_id: int, holder: str, *, expires_in: float) -> None:
    BulkSubmission.objects.filter(pk=submission_id).update(
        status=BulkSubmission.Status.RUNNING,
        lease_holder=holder,
        lease_expires_at=timezone.now() + timedelta(seconds=expires_in),
    )


@pytest.mark.django_db
def test_a_message_for_a_finished_upload_does_nothing(client, setting):
    job_id = _queued(client, setting, 6)
    bulk.bulk_submission_process(submission_id=job_id)
    done = BulkSubmission.objects.get(pk=job_id)
    assert (done.status, done.created_count, done.lease_holder) == ("done", 6, "")

    again = bulk.bulk_submission_process(submission_id=job_id)  # redelivered
    assert (again.status, again.rows_done, again.created_count) == ("done", 6, 6)
    assert again.updated_at == done.updated_at
    assert Comment.objects.count() == 6


@pytest.mark.django_db
def test_a_message_while_a_live_run_holds_the_lease_does_nothing(client, setting):
    job_id = _queued(client, setting, 6)
    _take(job_id, "worker-a:1:live", expires_in=30)

    bulk.bulk_submission_process(submission_id=job_id)

    held = BulkSubmission.objects.get(pk=job_id)
    assert (held.lease_holder, held.rows_done, held.stalled_runs) == ("worker-a:1:live", 0, 0)
    assert not Comment.objects.exists()


@pytest.mark.django_db
@override_settings(BULK_CHUNK_ROWS=4)
def test_a_run_past_its_lease_is_taken_over_and_stops_before_its_next_chunk(
    client, setting, monkeypatch
):
    job_id = _queued(client, setting, 10)
    real_file_chunk = bulk._file_chunk
    calls = []

    def stalls_after_the_first_chunk(submission, chunk):
        real_file_chunk(submission, chunk)
        calls.append(len(chunk))
        # Its lease ran out (it stalled) and another run claimed the file.
        BulkSubmission.objects.filter(pk=job_id).update(lease_holder="worker-b:2:took-over")

    monkeypatch.setattr(bulk, "_file_chunk", stalls_after_the_first_chunk)
    stopped = bulk.bulk_submission_process(submission_id=job_id)
    assert calls == [4]  # it filed no second chunk
    assert (stopped.status, stopped.rows_done, stopped.lease_holder) == (
        "running",
        4,
        "worker-b:2:took-over",
    )

    monkeypatch.setattr(bulk, "_file_chunk", real_file_chunk)
    bulk.bulk_submission_process(submission_id=job_id)  # worker-b holds it: nothing happens
    assert BulkSubmission.objects.get(pk=job_id).rows_done == 4
    _take(job_id, "worker-b:2:took-over", expires_in=-1)  # worker-b was lost in turn
    done = bulk.bulk_submission_process(submission_id=job_id)
    assert (done.status, done.rows_done, done.created_count) == ("done", 10, 10)
    assert Comment.objects.count() == 10
    assert Comment.objects.values("external_id").distinct().count() == 10


@pytest.mark.django_db
def test_a_run_that_fails_gives_its_lease_back_at_once(client, setting, monkeypatch):
    job_id = _queued(client, setting, 3)

    def fails(submission, chunk):
        raise RuntimeError("database went away")

    monkeypatch.setattr(bulk, "_file_chunk", fails)
    with pytest.raises(RuntimeError):
        bulk.bulk_submission_process(submission_id=job_id)
    released = BulkSubmission.objects.get(pk=job_id)
    assert released.lease_holder == ""
    assert released.lease_expires_at is not None and released.lease_expires_at <= timezone.now()
    assert bulk.bulk_submissions_requeue_stalled() == [job_id]


@pytest.mark.django_db
def test_beat_requeues_the_uploads_whose_lease_ran_out_once_per_lease(
    client, setting, django_capture_on_commit_callbacks
):
    live = _queued(client, setting, 2)
    lost = _queued(client, setting, 2)
    never_claimed = _queued(client, setting, 2)
    finished = _queued(client, setting, 2)
    _take(live, "worker-a:1:live", expires_in=20)
    _take(lost, "worker-b:2:killed", expires_in=-1)
    BulkSubmission.objects.filter(pk=never_claimed).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    BulkSubmission.objects.filter(pk=finished).update(
        status=BulkSubmission.Status.DONE, lease_expires_at=timezone.now() - timedelta(days=1)
    )

    with django_capture_on_commit_callbacks() as sent:
        assert sorted(bulk.bulk_submissions_requeue_stalled()) == sorted([lost, never_claimed])
    assert len(sent) == 2
    requeued = BulkSubmission.objects.get(pk=lost)
    assert requeued.lease_holder == ""  # any live run may claim it now
    assert requeued.lease_expires_at is not None and requeued.lease_expires_at > timezone.now()
    assert BulkSubmission.objects.get(pk=live).lease_holder == "worker-a:1:live"

    # Queued again once per lease, not at every look of beat…
    assert bulk.bulk_submissions_requeue_stalled() == []
    # …until the lease runs out again with nobody having claimed it.
    later = timezone.now() + timedelta(seconds=settings.BULK_LEASE_SECONDS + 1)
    assert sorted(bulk.bulk_submissions_requeue_stalled(now=later)) == sorted(
        [live, lost, never_claimed]
    )


@pytest.mark.django_db
def test_an_upload_that_keeps_stopping_without_progress_fails_saying_why(client, setting):
    job_id = _queued(client, setting, 5)
    BulkSubmission.objects.filter(pk=job_id).update(
        status=BulkSubmission.Status.RUNNING, rows_done=0, stalled_runs=bulk.MAX_STALLED_RUNS
    )
    failed = bulk.bulk_submission_process(submission_id=job_id)
    assert failed.status == "failed"
    assert "stopped 5 times in a row before row 1 could be filed" in failed.error
    assert not Comment.objects.exists()
    assert bulk.bulk_submissions_requeue_stalled() == []


def test_the_broker_waits_longer_than_any_task_may_run():
    """Redis hands an unacknowledged message to another worker after the visibility timeout:
    below a task's time limit, a long upload would run twice at once."""
    from haip_portal.celery import app

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert app.conf.broker_transport_options["visibility_timeout"] == visibility
    limits = {
        name: task.time_limit
        for name, task in app.tasks.items()
        if name.startswith(("comments.", "drafts.", "accounts."))
    }
    assert limits["comments.tasks.process_bulk_submission"]  # the tasks were found
    longest = max(limit or 0 for limit in limits.values())
    assert visibility > longest, (visibility, limits)
    # A lost upload waits at most a lease and one look of beat before it is queued again.
    schedule = settings.CELERY_BEAT_SCHEDULE["resume-stalled-bulk-submissions"]["schedule"]
    assert isinstance(schedule, timedelta)
    assert settings.BULK_LEASE_SECONDS + schedule.total_seconds() < 60


# --- Real processes (CI): a worker lost whole, a fresh worker with beat --------------------


@pytest.mark.worker
def test_a_worker_killed_whole_mid_upload_is_replaced_within_a_minute_filing_each_row_once(
    client, celery_worker_factory, shared_media
):
    # The production defaults: chunks of 1,000 rows, a 20 s lease, beat looking every 15 s.
    env = {"MEDIA_ROOT": str(shared_media)}
    setting_ = _setting_committed()
    first = celery_worker_factory(extra_env=env)
    job_id = _upload(client, setting_, "big.jsonl", jsonl(good_rows(10_000))).json()["id"]
    wait_until(
        lambda: BulkSubmission.objects.get(pk=job_id).rows_done >= 3000,
        timeout=120,
        interval=0.05,
        worker=first,
    )
    first.kill()  # the main process and its pool at once: no acknowledgement, no clean-up
    killed_at = time.monotonic()
    orphan = BulkSubmission.objects.get(pk=job_id)
    assert orphan.status == "running" and 3000 <= orphan.rows_done < 10_000
    assert orphan.lease_holder  # still held by the dead run

    fresh = celery_worker_factory(beat=True, extra_env=env)
    wait_until(
        lambda: BulkSubmission.objects.get(pk=job_id).status != "running",
        timeout=60,
        interval=0.2,
        worker=fresh,
    )
    finished_after = time.monotonic() - killed_at
    done = BulkSubmission.objects.get(pk=job_id)
    assert done.status == "done", done.error
    assert finished_after < 60
    assert (done.rows_done, done.created_count, done.duplicate_count) == (10_000, 10_000, 0)
    assert Comment.objects.count() == 10_000
    assert Comment.objects.values("external_id").distinct().count() == 10_000

    # The message the dead worker never acknowledged comes back one day (after Redis's
    # visibility timeout); any message for a finished upload does nothing.
    def runs() -> int:
        return len(re.findall(r"process_bulk_submission\[[^]]+\] succeeded", fresh.output()))

    before = runs()
    from comments.tasks import process_bulk_submission

    process_bulk_submission.delay(job_id)
    wait_until(lambda: runs() > before, timeout=30, worker=fresh)
    again = BulkSubmission.objects.get(pk=job_id)
    assert (again.rows_done, again.created_count, again.updated_at) == (
        10_000,
        10_000,
        done.updated_at,
    )
    assert Comment.objects.count() == 10_000
