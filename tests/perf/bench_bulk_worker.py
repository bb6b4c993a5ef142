"""A bulk upload of 100,000 comments (JSON Lines) filed by a real ``celery worker``: its peak
memory and the wall time; and uploads filed by the worker against a raw PostgreSQL ``COPY`` of
the same rows into the same table, in alternating rounds from the same table state (see
ingest.py), with where the worker's time goes.

The worker is tests/conftest.py's CeleryWorker (prefork, concurrency 1, Redis broker, the
committed test database; BULK_CHUNK_ROWS left at its default), so PostgreSQL and REDIS_URL are
needed. The file is uploaded through the API in this process (stored under a temporary
MEDIA_ROOT the worker reads too); the worker's memory is read from /proc: the high-water mark
of resident memory (VmHWM) of the worker and of its pool process, and the resident total of
the tree sampled every 0.1 s. Printed, not asserted; what is asserted is that every row is
filed once.
"""

import json
import threading
import time
from collections.abc import Iterator
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from comments.models import BulkSubmission, Comment
from tests.conftest import wait_until

from . import ingest
from .conftest import MB, api_setting, comment_items, db_label, proc_status_kb, process_tree

ROWS = 100_000
DONE_WITHIN = 480  # seconds; the test fails rather than wait longer
MEMORY_BAR_MB = 500


class TreeMemory:
    """Samples the resident memory of a process tree in a thread until stopped."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def resident_kb(self) -> int:
        return sum(proc_status_kb(pid, "VmRSS") for pid in process_tree(self.pid))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_kb = max(self.peak_kb, self.resident_kb())

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


@pytest.fixture
def shared_media(tmp_path, settings):
    """Uploads written to a directory the worker process reads too."""
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return media


def test_bulk_upload_worker_memory(client, celery_worker_factory, shared_media, report):
    # celery_worker_factory skips unless REDIS_URL is set and the database is PostgreSQL.
    setting = api_setting(slug="bench-upload")
    content = "".join(
        json.dumps(item) + "\n" for item in comment_items(setting, ROWS, prefix="file")
    ).encode()
    worker = celery_worker_factory(
        extra_env={
            "MEDIA_ROOT": str(shared_media),
            "LOG_LEVEL": "WARNING",
        }
    )
    assert worker.process is not None
    wait_until(lambda: "ready." in worker.output(), timeout=60, worker=worker)
    pid = worker.process.pid
    baseline_kb = sum(proc_status_kb(p, "VmRSS") for p in process_tree(pid))

    url = reverse("comments_api:bulk_submissions", args=[setting.version.draft.slug, 1])
    with TreeMemory(pid) as sampled:
        sent = time.perf_counter()
        response = client.post(
            url,
            {"file": SimpleUploadedFile("comments.jsonl", content)},
            headers=setting.auth,
        )
        accepted = time.perf_counter()
        assert response.status_code == 202, response.content[:500]
        job_id = response.json()["id"]

        def finished() -> BulkSubmission | None:
            job = BulkSubmission.objects.get(pk=job_id)
            return job if job.status in ("done", "failed") else None

        job = wait_until(finished, timeout=DONE_WITHIN, interval=0.5, worker=worker)
        done = time.perf_counter()
        tree = process_tree(pid)
        high_water = {p: proc_status_kb(p, "VmHWM") for p in tree}

    assert job.status == "done", job.error
    assert (job.rows_done, job.created_count, job.rejected_count) == (ROWS, ROWS, 0)
    assert Comment.objects.filter(version=setting.version, channel="bulk").count() == ROWS

    pool = {p: kb for p, kb in high_water.items() if p != pid}
    tree_hwm_mb = sum(high_water.values()) / 1024
    verdict = "met" if tree_hwm_mb < MEMORY_BAR_MB else "NOT met"
    filing = (job.finished_at - job.started_at).total_seconds()
    report(
        f"bulk upload  {ROWS:,} rows JSONL ({len(content) / MB:,.1f} MB), worker prefork ×1, "
        f"chunks of {django_settings.BULK_CHUNK_ROWS:,}: upload answered 202 in "
        f"{accepted - sent:.1f} s, filed {done - accepted:.1f} s later "
        f"(worker started→finished {filing:.1f} s, {ROWS / filing:,.0f} rows/s); "
        f"wall {done - sent:.1f} s"
    )
    report(
        f"worker peak  RSS high-water (VmHWM) main {high_water[pid] / 1024:,.0f} MB + pool "
        + " + ".join(f"{kb / 1024:,.0f} MB" for kb in pool.values())
        + f" = {tree_hwm_mb:,.0f} MB (bar < {MEMORY_BAR_MB} MB {verdict}); sampled tree peak "
        f"{sampled.peak_kb / 1024:,.0f} MB, idle before the upload {baseline_kb / 1024:,.0f} MB"
    )


# --- The worker against COPY ------------------------------------------------------------------

COPY_BASE = 10_000  # rows the version holds before every measured side
COPY_ROWS = 20_000  # rows of each round's file, then COPYed in the same round
COPY_ROUNDS = 3
PHASE_FILES = 3
PHASE_ROWS = 3_000


def _upload(client, setting, content: bytes, worker) -> BulkSubmission:
    url = reverse("comments_api:bulk_submissions", args=[setting.version.draft.slug, 1])
    response = client.post(
        url, {"file": SimpleUploadedFile("comments.jsonl", content)}, headers=setting.auth
    )
    assert response.status_code == 202, response.content[:500]
    job_id = response.json()["id"]

    def finished() -> BulkSubmission | None:
        job = BulkSubmission.objects.get(pk=job_id)
        return job if job.status in ("done", "failed") else None

    job = wait_until(finished, timeout=DONE_WITHIN, interval=0.2, worker=worker)
    assert job.status == "done", job.error
    return job


def _worker_phases(setting, content: bytes) -> list[tuple[str, float]]:
    """One file filed in this process by the worker's own function, its steps timed, rolled
    back afterwards; per 1,000 rows."""
    from comments import bulk_files
    from comments.services import bulk

    phases = ingest.Phases()
    reading = phases.seconds

    def timed_chunks(*args, **kwargs) -> Iterator:
        chunks = bulk_files.file_chunks(*args, **kwargs)
        while True:
            started = time.perf_counter()
            chunk = next(chunks, None)
            reading["reading"] += time.perf_counter() - started
            if chunk is None:
                return
            yield chunk

    targets = [(bulk, "_file_chunk", "chunk"), *ingest.write_path_phases()]
    with (
        phases.timing(*targets),
        mock.patch.object(bulk, "file_chunks", timed_chunks),
        transaction.atomic(),
    ):
        submission = bulk.bulk_submission_create(
            version=setting.version,
            owner=setting.user,
            upload=SimpleUploadedFile("comments.jsonl", content),
        )
        started = time.perf_counter()
        job = bulk.bulk_submission_process(submission_id=submission.pk)
        whole = time.perf_counter() - started
        assert (job.status, job.created_count) == ("done", PHASE_ROWS), job.error
        transaction.set_rollback(True)
    seconds = phases.seconds
    per = 1_000 / PHASE_ROWS
    parts = [
        ("reading: the file's rows, as comments", seconds["reading"]),
        *ingest.service_lines(seconds),
        ("chunk, rest: papers, rejections, counts", seconds["chunk"] - seconds["service"]),
    ]
    rest = whole - sum(part for _name, part in parts)
    parts.append(("worker, rest: lease, locks, progress saved", rest))
    return [(name, part * per) for name, part in [*parts, ("whole", whole)]]


def test_bulk_upload_worker_against_copy(client, celery_worker_factory, shared_media, report):
    setting = api_setting(slug="bench-upload-copy")
    version_id = setting.version.pk
    items = list(comment_items(setting, COPY_BASE + COPY_ROWS, prefix="copy"))

    def jsonl(rows: list) -> bytes:
        return "".join(json.dumps(item) + "\n" for item in rows).encode()

    base_content, content = jsonl(items[:COPY_BASE]), jsonl(items[COPY_BASE:])
    worker = celery_worker_factory(
        extra_env={
            "DJANGO_SETTINGS_MODULE": "tests.perf.worker_settings",
            "MEDIA_ROOT": str(shared_media),
            "LOG_LEVEL": "WARNING",
        }
    )
    wait_until(lambda: "ready." in worker.output(), timeout=60, worker=worker)
    job = _upload(client, setting, base_content, worker)  # the base rows; warms the worker
    assert job.created_count == COPY_BASE
    base = ingest.last_number(version_id)

    worker_rates, copy_rates = [], []
    for _round in range(COPY_ROUNDS):
        ingest.vacuum_analyze()
        job = _upload(client, setting, content, worker)
        assert (job.rows_done, job.created_count, job.rejected_count) == (COPY_ROWS, COPY_ROWS, 0)
        worker_rates.append(COPY_ROWS / (job.finished_at - job.started_at).total_seconds())
        rows = ingest.rows_after(version_id, base)
        assert len(rows) == COPY_ROWS
        assert ingest.delete_after(version_id, base) == COPY_ROWS
        ingest.vacuum_analyze()
        copy_rates.append(len(rows) / ingest.copy_rows(rows))
        assert ingest.delete_after(version_id, base) == COPY_ROWS
    worker.stop()  # the CPUs to this process for the breakdown
    ingest.vacuum_analyze()
    phase_content = jsonl(items[COPY_BASE : COPY_BASE + PHASE_ROWS])
    runs = [_worker_phases(setting, phase_content) for _ in range(PHASE_FILES)]
    assert Comment.objects.filter(version=setting.version).count() == COPY_BASE

    report(
        f"upload worker {COPY_ROUNDS} alternating rounds of a {COPY_ROWS:,}-row JSONL file "
        f"({len(content) / MB:,.1f} MB) into a version holding {COPY_BASE:,}, VACUUM ANALYZE "
        f"before each side; {db_label()}, worker prefork ×1, chunks of "
        f"{django_settings.BULK_CHUNK_ROWS:,}: started→finished median "
        f"{ingest.median_spread(worker_rates)} rows/s"
    )
    report(
        f"COPY         the same rows, same columns into {Comment._meta.db_table}, same table "
        f"state: median {ingest.median_spread(copy_rates)} rows/s"
    )
    report(ingest.ratio_line("upload worker", worker_rates, copy_rates))
    report(
        f"upload worker where the time of 1,000 rows goes (in-process, {PHASE_FILES} files of "
        f"{PHASE_ROWS:,} rows, medians, rolled back):\n"
        + "\n".join(ingest.breakdown_lines(runs, "whole"))
    )
