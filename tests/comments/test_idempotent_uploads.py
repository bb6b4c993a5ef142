"""An upload larger than Django keeps in memory as a request body may still carry an
``Idempotency-Key``: the key's fingerprint hashes the parsed upload, so the file is taken (not
refused with a 413 below the upload limit), a retry replays the first answer and another file
under the same key is refused."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import ApiToken
from comments.models import BulkSubmission
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, verified_organisation

WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
ROWS = b"line_start,body\n" + b"4,A point about line four.\n" * 400  # about 11 kB


@pytest.fixture
def send(db, client):
    cache.clear()
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    user = representative_of(verified_organisation(name="Kumo AI"))
    _token, raw = make_token(user=user, scopes=WRITE)
    url = reverse("comments_api:bulk_submissions", args=[version.draft.slug, version.number])

    def post(content: bytes, key: str):
        return client.post(
            url,
            {"file": SimpleUploadedFile("comments.csv", content)},
            headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": key},
        )

    yield post
    cache.clear()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=4_000)
def test_an_upload_over_the_in_memory_body_size_is_taken_and_replayed_by_its_key(send):
    assert len(ROWS) > 4_000
    first = send(ROWS, "upload-1")
    assert first.status_code == 202, first.json()
    again = send(ROWS, "upload-1")
    assert again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert BulkSubmission.objects.count() == 1


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=4_000)
def test_another_file_under_the_same_key_is_refused(send):
    assert send(ROWS, "upload-2").status_code == 202
    other = send(ROWS + b"5,One more.\n", "upload-2")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert BulkSubmission.objects.count() == 1
