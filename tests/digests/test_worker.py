"""Digests built by a real Celery worker over the Redis broker, on the PostgreSQL test
database (CI): progress while it runs, every file opening in its own parser, and a worker
killed mid-build leaving nothing half-written."""

import csv
import io
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from markdown_it import MarkdownIt

from accounts.models import ApiToken
from comments import services as comment_services
from comments.digests.models import Digest, DigestExport
from comments.inputs import CommentInput
from comments.models import Comment
from tests.accounts.factories import make_token, make_user
from tests.comments.factories import representative_of, verified_organisation
from tests.conftest import login_with_two_factor, wait_until, with_two_factor
from tests.digests.synthesis.corpus import generated_corpus
from tests.drafts.factories import open_version

pytestmark = pytest.mark.worker


@pytest.fixture
def shared_files(tmp_path, settings):
    """Files written where both the worker and the test read them."""
    (tmp_path / "media").mkdir()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def _worker_env(tmp_path) -> dict[str, str]:
    return {
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DIGEST_STALLED_AFTER_SECONDS": "3",
        "DIGEST_RESUME_EVERY_SECONDS": "1",
    }


def _consultation(size: int):
    """A version with ``size`` comments of realistic variety, a fifth of them campaign copies."""
    version = open_version(slug="haip", sections=11, lines_per_section=4)
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation)
    items = [
        CommentInput(
            line_start=(index % version.line_count) + 1,
            line_end=(index % version.line_count) + 1,
            body=record.body,
            kind=record.kind,
            stance=record.stance,
            proposed_text=record.proposed_text,
            visibility="confidential" if record.confidential else "public",
            organisation=organisation.slug,
        )
        for index, record in enumerate(generated_corpus(size, campaign_size=50))
    ]
    for start in range(0, size, 1000):
        comment_services.comments_submit_batch(
            version=version, author=author, items=items[start : start + 1000], atomic=True
        )
    return version


def _secretariat_token() -> str:
    from django.contrib.auth.models import Group

    user = make_user()
    user.groups.add(Group.objects.get_or_create(name="secretariat")[0])
    with_two_factor(user)  # the token is created in a session that passed two-factor
    _token, raw = make_token(
        user=user, scopes=[ApiToken.Scope.DIGESTS_READ, ApiToken.Scope.DIGESTS_WRITE]
    )
    return f"Bearer {raw}"


def _ask(client, auth, **body):
    response = client.post(
        reverse("digests_api:version_digests", args=["haip", 1]),
        {"audience": "working_group", **body},
        content_type="application/json",
        headers={"authorization": auth},
    )
    assert response.status_code == 202, response.content
    return response.json()


def test_a_real_worker_builds_a_digest_with_progress_and_every_file_opens(
    client, celery_worker_factory, shared_files
):
    import docx
    import openpyxl
    import pypdf

    version = _consultation(2000)
    auth = _secretariat_token()
    worker = celery_worker_factory(extra_env=_worker_env(shared_files))
    digest = _ask(client, auth)
    seen: list[tuple[str, int]] = []

    def ready() -> bool:
        body = client.get(digest["url"], headers={"authorization": auth}).json()
        seen.append((body["status"], body["progress"]))
        return body["status"] == "failed" or body["matrix_ready"]

    wait_until(ready, timeout=240, interval=0.2, worker=worker)
    body = client.get(digest["url"], headers={"authorization": auth}).json()
    assert body["status"] == "ready", body["error"]
    assert any(status == "running" and 0 < progress < 100 for status, progress in seen), seen
    assert body["comments"] == 2000 and body["distinct_positions"] < 2000  # campaigns folded

    headings = list(version.sections.order_by("position").values_list("heading", flat=True))
    files = {f["format"]: f["url"] for f in body["files"]}
    assert set(files) == set(DigestExport.Format.values)
    secretariat = Digest.objects.get(pk=digest["id"]).requested_by
    assert secretariat is not None
    login_with_two_factor(client, secretariat)

    def download(format: str) -> bytes:
        response = client.get(files[format])
        assert response.status_code == 200, format
        return b"".join(response.streaming_content)

    pdf_text = "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(download("pdf"))).pages
    )
    word = docx.Document(io.BytesIO(download("docx")))
    word_text = "\n".join(paragraph.text for paragraph in word.paragraphs)
    html = download("html").decode()
    # As a reader sees the Markdown: rendered (a heading's "1." may be written "1\.").
    markdown = unescape(MarkdownIt().render(download("md").decode()))
    for heading in headings:
        assert heading in " ".join(pdf_text.split()), heading
        assert heading in word_text and heading in html and heading in markdown, heading

    sheet = openpyxl.load_workbook(io.BytesIO(download("matrix.xlsx")), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + Comment.objects.count()
    matrix = list(csv.reader(io.StringIO(download("matrix.csv").decode())))
    assert matrix[0] == [str(cell) for cell in rows[0]]
    assert [row[0] for row in matrix[1:]] == [row[0] for row in rows[1:]]
    assert download("json").startswith(b"{")

    # Outsiders: the working-group digest does not exist for them.
    client.force_login(make_user())
    assert client.get(files["pdf"]).status_code == 404
    assert client.get(reverse("digests:digest_detail", args=[digest["id"]])).status_code == 404


def test_killing_the_worker_mid_build_leaves_no_half_written_digest(
    client, celery_worker_factory, shared_files
):
    _consultation(4000)
    auth = _secretariat_token()
    first = celery_worker_factory(extra_env=_worker_env(shared_files))
    digest_id = _ask(client, auth)["id"]
    wait_until(
        lambda: Digest.objects.get(pk=digest_id).progress >= 5, timeout=120, interval=0.05,
        worker=first,
    )  # fmt: skip
    first.kill()
    killed = Digest.objects.get(pk=digest_id)
    assert killed.status == "running" and killed.progress < 100
    assert killed.data is None and not DigestExport.objects.filter(digest_id=digest_id).exists()
    assert client.get(reverse("digests:digest_detail", args=[digest_id])).status_code == 404

    second = celery_worker_factory(beat=True, extra_env=_worker_env(shared_files))
    wait_until(
        lambda: (
            Digest.objects.filter(pk=digest_id, matrix_ready_at__isnull=False).exists()
            or Digest.objects.get(pk=digest_id).status == "failed"
        ),
        timeout=300,
        worker=second,
    )
    done = Digest.objects.get(pk=digest_id)
    assert done.status == "ready", done.error
    assert done.attempts >= 2 and done.comment_count == 4000
    formats = list(
        DigestExport.objects.filter(digest_id=digest_id).values_list("format", flat=True)
    )
    assert len(formats) == len(set(formats)) >= 7
    assert settings.CELERY_TASK_ROUTES["comments.tasks.build_digest"] == {"queue": "synthesis"}


def test_a_real_worker_reads_each_filed_comment_once(celery_worker_factory, shared_files):
    from comments.digests import selectors
    from comments.digests.models import CommentReading
    from comments.digests.synthesis.reading import reading_key

    worker = celery_worker_factory(extra_env=_worker_env(shared_files))
    version = _consultation(1500)  # filed in batches of 1,000: two reading tasks

    stored = CommentReading.objects.filter(comment__version=version)
    wait_until(lambda: stored.count() == 1500, timeout=180, interval=0.5, worker=worker)
    ids = list(stored.order_by("pk").values_list("comment_id", flat=True)[:50])
    keys = dict(stored.filter(comment_id__in=ids).values_list("comment_id", "key"))
    assert {pk: reading_key(record) for pk, record in selectors.records_to_read(ids)} == keys
