"""Bulk uploads: a file of comments filed by the worker, resumable, every row exactly once."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import ApiToken
from comments import bulk_files
from comments.models import BulkRejection, BulkSubmission, Comment
from comments.services import bulk
from tests.accounts.factories import make_token
from tests.comments.factories import (
    comment_inserts,
    open_version,
    representative_of,
    submit,
    verified_organisation,
)
from tests.conftest import wait_until

WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def good_rows(count: int, *, prefix: str = "r") -> list[dict]:
    return [
        {"external_id": f"{prefix}{n}", "line_start": 3 + n % 9, "body": f"Point number {n}."}
        for n in range(count)
    ]


@pytest.fixture
def setting(db):
    cache.clear()
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Kumo AI")
    user = representative_of(organisation)
    _token, raw = make_token(user=user, scopes=WRITE)
    return {"version": version, "user": user, "org": organisation, "auth": f"Bearer {raw}"}


def _upload(client, setting, name: str, content: bytes):
    url = reverse("comments_api:bulk_submissions", args=["haip", 1])
    return client.post(
        url,
        {"file": SimpleUploadedFile(name, content)},
        headers={"Authorization": setting["auth"]},
    )


def _status(client, setting, submission_id: int) -> dict:
    url = reverse("comments_api:bulk_submission", args=[submission_id])
    return client.get(url, headers={"Authorization": setting["auth"]}).json()


@pytest.mark.django_db
def test_a_jsonl_file_is_filed_with_every_bad_row_reported(
    client, setting, django_capture_on_commit_callbacks
):
    rows = good_rows(20)
    rows[3] = {"external_id": "bad-line", "line_start": 999, "body": "Outside."}
    rows[7] = {"external_id": "no-body", "line_start": 4}
    content = jsonl(rows[:10]) + b"this is not json\n" + jsonl(rows[10:])
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, setting, "comments.jsonl", content)
    assert response.status_code == 202, response.json()
    job = response.json()
    assert response["Location"] == job["url"]
    status = _status(client, setting, job["id"])
    assert (status["status"], status["rows_total"], status["rows_done"]) == ("done", 21, 21)
    assert (status["created"], status["duplicate"], status["rejected"]) == (18, 0, 3)
    assert Comment.objects.filter(channel="bulk").count() == 18

    report = client.get(job["rejections_url"], headers={"Authorization": setting["auth"]})
    assert report["Content-Type"] == "text/csv"
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert lines[0] == ["line", "field", "reason"]
    by_line = {int(line): (field, reason) for line, field, reason in lines[1:]}
    assert by_line[4][0] == "line_start" and "outside this version" in by_line[4][1]
    assert by_line[8][0] == "body"
    assert "Line 11 is not valid JSON" in by_line[11][1]


@pytest.mark.django_db
def test_a_csv_file_with_bad_rows(client, setting, django_capture_on_commit_callbacks):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["external_id", "line_start", "quote_exact", "kind", "body", "organisation"])
    writer.writerow(["c1", "4", "", "technical", "Independent red teams.", setting["org"].slug])
    writer.writerow(["c2", "4", "no such words", "general", "Quote that does not match.", ""])
    writer.writerow(["c3", "five", "", "general", "Not a number.", ""])
    writer.writerow(["c4", "5", "organisations document", "editorial", "Fine.", ""])
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, setting, "comments.csv", text.getvalue().encode())
    status = _status(client, setting, response.json()["id"])
    assert (status["created"], status["rejected"], status["rows_total"]) == (2, 2, 4)
    comment = Comment.objects.get(external_id="c1")
    assert (comment.organisation, comment.kind) == (setting["org"], "technical")
    assert Comment.objects.get(external_id="c4").quote_exact == "organisations document"
    assert sorted(BulkSubmission.objects.get().rejections.values_list("line", flat=True)) == [3, 4]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("comments.txt", b"{}", "Name the file .jsonl"),
        ("comments.csv", b"body\nno line column\n", "lacks the column line_start"),
        ("comments.jsonl", b"\xff\xfe{}", "not UTF-8"),
        ("comments.jsonl", b"\n\n", "holds no comments"),
    ],
)
def test_unusable_files_are_refused_with_the_reason(client, setting, name, content, message):
    response = _upload(client, setting, name, content)
    assert response.status_code == 422
    assert message in response.json()["message"]
    assert not BulkSubmission.objects.exists()


@pytest.mark.django_db
def test_files_over_the_row_limit_are_refused(client, setting, monkeypatch):
    monkeypatch.setattr(bulk_files, "MAX_ROWS", 5)
    response = _upload(client, setting, "comments.jsonl", jsonl(good_rows(6)))
    assert response.status_code == 422
    assert "more than 5 rows" in response.json()["message"]


@pytest.mark.django_db
def test_another_user_cannot_see_a_submission(client, setting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _upload(client, setting, "comments.jsonl", jsonl(good_rows(2))).json()
    _token, raw = make_token(user=representative_of(verified_organisation()))
    other = client.get(job["url"], headers={"Authorization": f"Bearer {raw}"})
    assert other.status_code == 404


@pytest.mark.django_db
@override_settings(BULK_CHUNK_ROWS=4)
def test_a_run_that_dies_mid_file_is_resumed_without_filing_any_row_twice(
    client, setting, monkeypatch
):
    response = _upload(client, setting, "comments.jsonl", jsonl(good_rows(10)))
    submission_id = response.json()["id"]
    real_file_chunk = bulk._file_chunk
    calls = {"n": 0}

    def dies_on_the_second_chunk(submission, chunk):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker lost")
        real_file_chunk(submission, chunk)

    monkeypatch.setattr(bulk, "_file_chunk", dies_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        bulk.bulk_submission_process(submission_id=submission_id)
    half = BulkSubmission.objects.get(pk=submission_id)
    assert (half.rows_done, half.created_count, Comment.objects.count()) == (4, 4, 4)

    monkeypatch.setattr(bulk, "_file_chunk", real_file_chunk)
    done = bulk.bulk_submission_process(submission_id=submission_id)
    assert (done.status, done.rows_done, done.created_count) == ("done", 10, 10)
    assert Comment.objects.count() == 10
    assert len(set(Comment.objects.values_list("external_id", flat=True))) == 10


# --- A real worker on Redis (CI) ---------------------------------------------------------


def _worker_env(tmp_path) -> dict[str, str]:
    return {
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BULK_CHUNK_ROWS": "500",
    }


@pytest.fixture
def shared_files(tmp_path, settings):
    """Uploads written where the worker process can read them."""
    (tmp_path / "media").mkdir()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


@pytest.mark.worker
def test_a_real_worker_files_10000_rows_with_progress_visible(
    client, celery_worker_factory, shared_files
):
    from django.db import transaction

    setting_ = _setting_committed()
    worker = celery_worker_factory(extra_env=_worker_env(shared_files))
    with transaction.atomic():
        response = _upload(client, setting_, "big.jsonl", jsonl(good_rows(10_000)))
    assert response.status_code == 202
    job_id = response.json()["id"]
    seen = []

    def finished() -> bool:
        status = _status(client, setting_, job_id)
        seen.append(status["rows_done"])
        return status["status"] == "done"

    wait_until(finished, timeout=240, interval=0.2, worker=worker)
    assert any(0 < done < 10_000 for done in seen), seen  # progress was visible mid-way
    assert Comment.objects.filter(channel="bulk").count() == 10_000

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["external_id", "line_start", "body"])
    for n in range(300):
        writer.writerow([f"csv{n}", "99" if n % 50 == 0 else "4", f"CSV row {n}."])
    csv_job = _upload(client, setting_, "rows.csv", text.getvalue().encode()).json()
    wait_until(
        lambda: _status(client, setting_, csv_job["id"])["status"] == "done",
        timeout=120,
        worker=worker,
    )
    status = _status(client, setting_, csv_job["id"])
    assert (status["created"], status["rejected"]) == (294, 6)


def _setting_committed() -> dict:
    cache.clear()
    open_version(slug="haip", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Kumo AI")
    user = representative_of(organisation)
    _token, raw = make_token(user=user, scopes=WRITE)
    return {"user": user, "org": organisation, "auth": f"Bearer {raw}"}


@pytest.mark.django_db
def test_every_row_of_an_upload_counts_against_the_comment_limit(client, setting, monkeypatch):
    from haip_portal.api.throttles import ApiCommentThrottle

    monkeypatch.setattr(ApiCommentThrottle, "THROTTLE_RATES", {"api_comments": "30/hour"})
    first = _upload(client, setting, "a.jsonl", jsonl(good_rows(20, prefix="a")))
    second = _upload(client, setting, "b.jsonl", jsonl(good_rows(20, prefix="b")))
    assert first.status_code == 202
    assert second.status_code == 429 and int(second["Retry-After"]) > 0
    assert BulkSubmission.objects.count() == 1


@pytest.mark.django_db
@override_settings(BULK_CHUNK_ROWS=1000)
def test_a_chunk_of_1000_rows_costs_the_queries_of_one(client, setting, django_assert_num_queries):
    # The personal organisation and the version's counter exist after a first filing.
    submit(version=setting["version"], author=setting["user"])
    rows = good_rows(1000)
    for n in range(0, 1000, 2):
        rows[n]["organisation"] = setting["org"].slug
    rows[10] = {"external_id": "outside", "line_start": 999, "body": "Outside."}
    rows[20] = {"external_id": "shape", "line_start": "x", "body": "Not a number."}
    content = jsonl(rows[:500]) + b"not json\n" + jsonl(rows[501:])
    submission = BulkSubmission.objects.get(
        pk=_upload(client, setting, "c.jsonl", content).json()["id"]
    )
    (chunk,) = bulk_files.file_chunks(submission, 0)
    # The upload's version and owner; in the service's savepoint (2 statements): the version
    # again, the lines the anchors need, the organisations, the external ids already used, the
    # owner's facts (whom they represent), the personal organisation (in a savepoint of its
    # own: 3), the counter (locked, then moved on), the comments' inserts, the kept counts
    # (lines, countries, totals: 3); the rejections' insert. (The worker runs it inside its
    # transaction on the upload's row.)
    with django_assert_num_queries(18 + comment_inserts(997)):
        bulk._file_chunk(submission, chunk)
    assert (submission.rows_done, submission.created_count, submission.rejected_count) == (
        1000,
        997,
        3,
    )
    assert BulkRejection.objects.filter(submission=submission).count() == 3
