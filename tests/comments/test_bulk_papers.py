"""Bulk uploads as a ZIP: the comments sheet and the position papers its rows name. Papers are
stored with their comments, their text extracted and searchable; a refused paper rejects its
row by name with nothing of it stored; the archive itself is refused whole when it is unsafe;
a retry files nothing twice; a confidential comment's papers stay with those who may see it."""

import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken
from comments import bulk_archives, bulk_files, selectors
from comments.models import Attachment, BulkRejection, BulkSubmission, Comment
from comments.selectors import CommentFilters
from comments.services import bulk
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_token, make_user
from tests.comments.factories import (
    comment_inserts,
    open_version,
    representative_of,
    submit,
    verified_organisation,
)
from tests.comments.papers import (
    docx_bytes,
    encrypted_pdf_bytes,
    odt_bytes,
    pdf_bytes,
    zip_bomb_docx_bytes,
)

WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
HEADER = "external_id,line_start,body,visibility,attachments\n"


def archive(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def setting(db, client):
    cache.clear()
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Kumo AI")
    user = representative_of(organisation)
    _token, raw = make_token(user=user, scopes=WRITE)
    client.raise_request_exception = False
    yield {"version": version, "user": user, "org": organisation, "auth": f"Bearer {raw}"}
    cache.clear()


def _upload(client, setting, name: str, content: bytes, **headers):
    url = reverse("comments_api:bulk_submissions", args=["haip", 1])
    return client.post(
        url,
        {"file": SimpleUploadedFile(name, content)},
        headers={"Authorization": setting["auth"], **headers},
    )


def _filed(client, setting, content: bytes, django_capture_on_commit_callbacks, **headers):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, setting, "papers.zip", content, **headers)
    assert response.status_code == 202, response.json()
    return response.json(), BulkSubmission.objects.get(pk=response.json()["id"])


def _reasons(submission: BulkSubmission) -> dict[int, dict]:
    return {r.line: r.errors for r in BulkRejection.objects.filter(submission=submission)}


@pytest.mark.django_db
def test_a_zip_files_its_rows_with_their_papers_stored_read_and_searchable(
    client, setting, django_capture_on_commit_callbacks
):
    sheet = (
        HEADER
        + "a,4,Our position on auditing.,,papers/audit.pdf\n"
        + "b,5,Two annexes.,,papers/annex.docx; papers/annex.odt\n"
        + "c,6,No paper here.,,\n"
    )
    content = archive(
        {
            "comments.csv": sheet.encode(),
            "papers/audit.pdf": pdf_bytes("Independent auditors must sign off."),
            "papers/annex.docx": docx_bytes("Incident reporting within 72 hours."),
            "papers/annex.odt": odt_bytes("Provenance metadata."),
            "papers/unused.pdf": pdf_bytes("Never named."),
            "__MACOSX/._comments.csv": b"\x00\x05\x16\x07",
        }
    )
    job, submission = _filed(client, setting, content, django_capture_on_commit_callbacks)
    assert job["sheet_name"] == "comments.csv" and job["format"] == "csv"
    submission.refresh_from_db()
    assert (submission.status, submission.created_count, submission.rejected_count) == (
        "done",
        3,
        0,
    )
    assert submission.papers_count == 3
    by_comment = {
        comment.external_id: [(a.file_name, a.kind) for a in comment.attachments.all()]
        for comment in Comment.objects.prefetch_related("attachments")
    }
    assert by_comment == {
        "a": [("audit.pdf", "pdf")],
        "b": [("annex.docx", "docx"), ("annex.odt", "odt")],
        "c": [],
    }
    assert "Independent auditors" in Attachment.objects.get(file_name="audit.pdf").text
    found = selectors.version_comments(
        user=make_user(), version=setting["version"], filters=CommentFilters(q="auditors")
    )
    assert [comment.external_id for comment in found] == ["a"]
    status = client.get(job["url"], headers={"Authorization": setting["auth"]}).json()
    assert status["papers"] == 3


@pytest.mark.django_db
def test_a_jsonl_sheet_in_a_zip_names_its_papers_as_a_list(
    client, setting, django_capture_on_commit_callbacks
):
    rows = [
        {
            "external_id": "j1",
            "line_start": 4,
            "body": "See both.",
            "attachments": ["a.pdf", "b.pdf"],
        },
        {"external_id": "j2", "line_start": 4, "body": "Bad list.", "attachments": [1, 2]},
    ]
    sheet = "".join(json.dumps(row) + "\n" for row in rows).encode()
    content = archive(
        {"batch/comments.jsonl": sheet, "a.pdf": pdf_bytes("A."), "b.pdf": pdf_bytes("B.")}
    )
    _job, submission = _filed(client, setting, content, django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert (submission.created_count, submission.rejected_count, submission.papers_count) == (
        1,
        1,
        2,
    )
    assert "list of texts" in _reasons(submission)[2]["attachments"][0]


@pytest.mark.django_db
def test_a_row_whose_paper_is_refused_is_rejected_naming_it_and_nothing_of_it_is_stored(
    client, setting, django_capture_on_commit_callbacks
):
    sheet = (
        HEADER
        + "ok,4,Fine paper.,,good.pdf\n"
        + "exe,4,Renamed program.,,tool.pdf\n"
        + "big,4,Too large.,,big.pdf\n"
        + "bomb,4,Bomb.,,bomb.docx\n"
        + "locked,4,Encrypted.,,locked.pdf\n"
        + "missing,4,Not in the ZIP.,,absent.pdf\n"
        + "many,4,Too many.,,good.pdf;good.pdf;good.pdf;good.pdf\n"
        + "mixed,4,One good one bad.,,good.pdf;tool.pdf\n"
    )
    content = archive(
        {
            "comments.csv": sheet.encode(),
            "good.pdf": pdf_bytes("Accepted."),
            "tool.pdf": b"MZ\x90\x00" + bytes(400),
            "big.pdf": pdf_bytes("x" * 50_000),
            "bomb.docx": zip_bomb_docx_bytes(),
            "locked.pdf": encrypted_pdf_bytes(),
        }
    )
    with override_settings(ATTACHMENT_MAX_BYTES=40_000):
        _job, submission = _filed(client, setting, content, django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert (submission.created_count, submission.rejected_count, submission.papers_count) == (
        1,
        7,
        1,
    )
    assert list(Comment.objects.values_list("external_id", flat=True)) == ["ok"]
    assert Attachment.objects.count() == 1
    reasons = {line: errors["attachments"][0] for line, errors in _reasons(submission).items()}
    assert reasons[3].startswith("tool.pdf: its content is not a PDF")
    assert reasons[4].startswith("big.pdf: the file is") and "limit" in reasons[4]
    assert reasons[5].startswith("bomb.docx:") and "zip bomb" in reasons[5]
    assert reasons[6].startswith("locked.pdf: the PDF is encrypted")
    assert reasons[7] == "absent.pdf: the ZIP holds no paper of that name."
    assert reasons[8].startswith("A comment takes at most 3 attachments")
    assert reasons[9].startswith("tool.pdf:")


@pytest.mark.django_db
def test_papers_named_in_a_plain_sheet_reject_their_row(
    client, setting, django_capture_on_commit_callbacks
):
    sheet = HEADER + "p,4,Paper named.,,a.pdf\n" + "q,4,No paper.,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, setting, "comments.csv", sheet.encode())
    submission = BulkSubmission.objects.get(pk=response.json()["id"])
    assert (submission.sheet_name, submission.created_count, submission.rejected_count) == (
        "",
        1,
        1,
    )
    assert "only in a ZIP" in _reasons(submission)[2]["attachments"][0]


def _zip_refused(response, *fragments: str) -> None:
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["errors"] == {"file": [body["message"]]}
    for fragment in fragments:
        assert fragment in body["message"]
    assert not BulkSubmission.objects.exists()


SHEET = (HEADER + "z,4,A point.,,a.pdf\n").encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("members", "fragment"),
    [
        ({"comments.csv": SHEET, "../a.pdf": b"x"}, "points outside the archive"),
        ({"comments.csv": SHEET, "/etc/a.pdf": b"x"}, "points outside the archive"),
        ({"comments.csv": SHEET, "dir\\..\\a.pdf": b"x"}, "points outside the archive"),
        ({"comments.csv": SHEET, "C:/a.pdf": b"x"}, "points outside the archive"),
        ({"comments.csv": SHEET, "inner.zip": archive({"a.pdf": b"x"})}, "another archive"),
        ({"a.pdf": pdf_bytes()}, "exactly one comments sheet"),
        ({"one.csv": SHEET, "two.jsonl": b"{}\n"}, "exactly one comments sheet"),
        ({"comments.csv": SHEET, "pad.bin": bytes(5 * 1024 * 1024)}, "possible zip bomb"),
        ({"comments.csv": b"line_start\n4\n"}, "lacks the column body"),
    ],
)
def test_an_unsafe_or_malformed_zip_is_refused_whole(client, setting, members, fragment):
    _zip_refused(_upload(client, setting, "papers.zip", archive(members)), fragment)


@pytest.mark.django_db
def test_a_zip_over_the_entry_count_or_unpacked_size_is_refused(client, setting, monkeypatch):
    members = {"comments.csv": SHEET, **{f"p{n}.pdf": b"x" for n in range(5)}}
    monkeypatch.setattr(bulk_archives, "MAX_MEMBERS", 5)
    _zip_refused(_upload(client, setting, "papers.zip", archive(members)), "6 entries")
    monkeypatch.setattr(bulk_archives, "MAX_MEMBERS", 100)
    monkeypatch.setattr(bulk_archives, "MAX_UNPACKED_BYTES", 50)
    _zip_refused(_upload(client, setting, "papers.zip", archive(members)), "would unpack to")


@pytest.mark.django_db
def test_a_zip_with_an_encrypted_entry_or_that_is_no_zip_is_refused(client, setting):
    content = bytearray(archive({"comments.csv": SHEET, "a.pdf": pdf_bytes()}))
    # Mark every entry encrypted, in its local and its central header (flag bit 0).
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = content.find(signature)
        while start != -1:
            content[start + offset] |= 0x1
            start = content.find(signature, start + 4)
    _zip_refused(_upload(client, setting, "papers.zip", bytes(content)), "encrypted")
    _zip_refused(_upload(client, setting, "papers.zip", b"PK\x03\x04 not really"), "not a readable")


@pytest.mark.django_db
def test_a_retried_zip_files_nothing_twice(client, setting, django_capture_on_commit_callbacks):
    content = archive({"comments.csv": SHEET, "a.pdf": pdf_bytes("Once.")})
    first, submission = _filed(
        client, setting, content, django_capture_on_commit_callbacks, **{"Idempotency-Key": "k1"}
    )
    again, _same = _filed(
        client, setting, content, django_capture_on_commit_callbacks, **{"Idempotency-Key": "k1"}
    )
    assert again == first
    # Sent again without the key, its rows are duplicates by their external ids.
    _job, second = _filed(client, setting, content, django_capture_on_commit_callbacks)
    second.refresh_from_db()
    assert (second.created_count, second.duplicate_count, second.papers_count) == (0, 1, 0)
    # And a message delivered twice for the first file does nothing.
    bulk.bulk_submission_process(submission_id=submission.pk)
    assert Comment.objects.count() == 1
    assert Attachment.objects.count() == 1


@pytest.mark.django_db
def test_a_confidential_comments_papers_are_served_only_to_those_who_see_it(
    client, setting, django_capture_on_commit_callbacks
):
    sheet = HEADER + "secret,4,Confidential view.,confidential,secret.pdf\n"
    content = archive({"comments.csv": sheet.encode(), "secret.pdf": pdf_bytes("Secret plan.")})
    _filed(client, setting, content, django_capture_on_commit_callbacks)
    comment = Comment.objects.get()
    attachment = comment.attachments.get()
    listing = reverse("comments_api:comment_attachments", args=[comment.reference])
    download = reverse("comments_api:comment_attachment", args=[comment.reference, attachment.pk])
    assert client.get(download, headers={"Authorization": setting["auth"]}).status_code == 200
    outsider = make_user()
    _token, raw = make_token(user=outsider, scopes=WRITE)
    for url in (listing, download):
        assert client.get(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 404
        assert client.get(url).status_code == 404
    found = selectors.version_comments(
        user=outsider, version=setting["version"], filters=CommentFilters(q="secret plan")
    )
    assert list(found) == []


@pytest.mark.django_db
def test_papers_cost_a_bounded_number_of_queries_each_and_rows_without_none(
    client, setting, django_assert_num_queries
):
    submit(version=setting["version"], author=setting["user"])
    lines = [f"r{n},{3 + n % 9},Point {n}.,," for n in range(1000)]
    lines[1] += "a.pdf"
    lines[2] += "a.pdf;b.docx"
    content = archive(
        {
            "comments.csv": (HEADER + "\n".join(lines) + "\n").encode(),
            "a.pdf": pdf_bytes(),
            "b.docx": docx_bytes("B."),
        }
    )
    response = _upload(client, setting, "papers.zip", content)
    submission = BulkSubmission.objects.get(pk=response.json()["id"])
    chunks = bulk_files.file_chunks(submission, 0)  # holds the archive open, as the worker does
    chunk = next(chunks)
    # As a chunk without papers (see test_bulk), less what no row asks for here (the
    # organisations named and whom the owner represents; the rejections' insert): the upload's
    # version and owner, the savepoint, the version, the lines, the external ids, the personal
    # organisation (3), the counter (2), the comments' inserts, the kept counts (lines and
    # totals: 2; no country is counted here), the savepoint's release; then one insert per
    # paper stored.
    with django_assert_num_queries(12 + comment_inserts(1000) + 2 + 3):
        bulk._file_chunk(submission, chunk)
    assert (submission.created_count, submission.papers_count) == (1000, 3)


@pytest.mark.django_db
def test_a_chunk_ends_when_its_papers_reach_the_memory_budget(client, setting):
    lines = [f"r{n},4,Point {n}.,,{'a.pdf' if n % 2 else ''}" for n in range(10)]
    content = archive(
        {"comments.csv": (HEADER + "\n".join(lines) + "\n").encode(), "a.pdf": pdf_bytes()}
    )
    submission = BulkSubmission.objects.get(
        pk=_upload(client, setting, "papers.zip", content).json()["id"]
    )
    with override_settings(BULK_CHUNK_PAPER_BYTES=2 * len(pdf_bytes())):
        sizes = [len(chunk) for chunk in bulk_files.file_chunks(submission, 0)]
    assert sizes == [4, 4, 2]
    assert [len(chunk) for chunk in bulk_files.file_chunks(submission, 0)] == [10]


@given(
    parts=st.lists(st.sampled_from(["a", "b.pdf", "..", ".", "", "c d"]), min_size=1, max_size=5),
    lead=st.sampled_from(["", "/", "C:", "./"]),
)
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_a_member_name_is_refused_exactly_when_it_could_climb_out(parts, lead):
    name = lead + "/".join(parts)
    climbs = name.startswith("/") or name.startswith("C:") or ".." in name.split("/")
    try:
        bulk_archives._check_name(name)
    except ApplicationError as error:
        assert climbs, name
        assert "outside the archive" in error.message
    else:
        assert not climbs, name


GOOD_ZIP = archive({"comments.csv": SHEET, "a.pdf": pdf_bytes("Damaged or not.")})


@given(
    cuts=st.lists(
        st.tuples(st.integers(0, len(GOOD_ZIP) - 1), st.integers(0, 255)), min_size=1, max_size=6
    ),
    keep=st.integers(20, len(GOOD_ZIP)),
)
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_damage_to_a_zip_makes_its_upload_or_its_filing_a_server_error(
    client, setting, cuts, keep
):
    data = bytearray(GOOD_ZIP)
    for at, value in cuts:
        data[at] = value
    submissions = BulkSubmission.objects.count()
    response = _upload(client, setting, "papers.zip", bytes(data[:keep]))
    assert response.status_code in (202, 422), response.content[:300]
    if response.status_code == 422:
        assert response.json()["errors"]["file"]
        assert BulkSubmission.objects.count() == submissions
        return
    # Taken: the worker files it (tasks run in-process) with every row answered.
    submission = BulkSubmission.objects.get(pk=response.json()["id"])
    bulk.bulk_submission_process(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.status == "done", submission.error
    assert submission.rows_done == submission.rows_total
