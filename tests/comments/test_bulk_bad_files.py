"""Bulk upload files that are not UTF-8: refused (422) naming the problem and its line, in
CSV as in JSON Lines, with nothing stored; JSON Lines rows nested without end are rejected as
rows; no bytes whatever make the upload a 500."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken
from comments.models import BulkRejection, BulkSubmission, Comment
from haip_portal.api.parsers import MAX_JSON_DEPTH
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, verified_organisation

WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
CSV_HEADER = b"line_start,body\n"
GOOD_CSV_ROW = b"4,A point about line four.\n"
GOOD_JSONL_ROW = b'{"line_start": 4, "body": "A point about line four."}\n'


@pytest.fixture
def upload(db, client):
    cache.clear()
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    user = representative_of(verified_organisation(name="Kumo AI"))
    _token, raw = make_token(user=user, scopes=WRITE)
    client.raise_request_exception = False
    url = reverse("comments_api:bulk_submissions", args=[version.draft.slug, version.number])

    def send(name: str, content: bytes):
        return client.post(
            url,
            {"file": SimpleUploadedFile(name, content)},
            headers={"Authorization": f"Bearer {raw}"},
        )

    yield send
    cache.clear()


def _refused(response, *fragments: str) -> None:
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"file": [body["message"]]}
    for fragment in fragments:
        assert fragment in body["message"]
    assert not BulkSubmission.objects.exists()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("name", ["comments.csv", "comments.jsonl"])
@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"])
def test_a_utf16_file_is_refused_as_utf16(upload, name, bom):
    content = (
        (CSV_HEADER + GOOD_CSV_ROW)
        .decode()
        .encode("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be")
    )
    _refused(upload(name, bom + content), "not UTF-8 but UTF-16", "save it as UTF-8")


@pytest.mark.parametrize("name", ["comments.csv", "comments.jsonl"])
def test_the_bytes_ff_fe_alone_are_refused_not_a_500(upload, name):
    _refused(upload(name, b"\xff\xfe"), "not UTF-8")


@pytest.mark.parametrize(
    ("name", "head", "row"),
    [("comments.csv", CSV_HEADER, GOOD_CSV_ROW), ("comments.jsonl", b"", GOOD_JSONL_ROW)],
)
@pytest.mark.parametrize("good_rows", [0, 1, 2_000])  # 2,000 rows: past the first 8 KB read
def test_a_byte_that_is_not_utf8_is_named_with_its_line(upload, name, head, row, good_rows):
    bad_line = b"4,caf\xe9 au lait\n" if name.endswith(".csv") else b'{"body": "caf\xe9"}\n'
    content = head + row * good_rows + bad_line + row
    line = (2 if head else 1) + good_rows
    _refused(upload(name, content), f"line {line} holds the byte 0xE9 (byte ", "not UTF-8")


def test_a_utf8_byte_order_mark_is_still_accepted(upload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload("comments.csv", b"\xef\xbb\xbf" + CSV_HEADER + GOOD_CSV_ROW)
    assert response.status_code == 202, response.json()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("name", ["comments.csv", "comments.jsonl"])
@given(content=st.binary(max_size=200))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_no_bytes_make_an_upload_a_server_error(upload, name, content):
    # CSV files get a valid header so that the bytes reach the row reader.
    data = (CSV_HEADER if name.endswith(".csv") else b"") + content
    submissions = BulkSubmission.objects.count()
    response = upload(name, data)
    assert response.status_code in (202, 400, 422), response.content[:300]
    if response.status_code != 202:  # refused: saying why, about the file, storing nothing
        assert response.json()["errors"]["file"]
        assert BulkSubmission.objects.count() == submissions


@pytest.mark.parametrize(
    "deep",
    [
        b"[" * 100_000,
        b'{"a":' * 100_000,
        b'{"line_start": 4, "body": "x", "quote": ' + b"[" * 40 + b"]" * 40 + b"}",
    ],
)
def test_a_jsonl_row_nested_too_deeply_is_rejected_as_that_row(
    upload, deep, django_capture_on_commit_callbacks
):
    content = GOOD_JSONL_ROW + deep + b"\n" + GOOD_JSONL_ROW
    with django_capture_on_commit_callbacks(execute=True):
        response = upload("comments.jsonl", content)
    assert response.status_code == 202, response.content[:300]
    assert response.json()["rows_total"] == 3
    (rejection,) = BulkRejection.objects.all()
    assert rejection.line == 2
    assert rejection.errors == {
        "non_field_errors": [f"Line 2 is nested more than {MAX_JSON_DEPTH} levels deep."]
    }
    assert Comment.objects.count() == 2
