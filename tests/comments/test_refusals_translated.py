"""Refusals of position papers and bulk files are said in the language of the request, with
the file's name and the numbers kept as they are."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from comments.attachment_files import check_attachment
from comments.bulk_files import bulk_file_rows
from comments.inputs import read_comment_item
from comments.models import BulkRejection
from comments.services import bulk
from comments.services import submit as submit_service
from comments.services.attachments import attachments_check_count
from haip_portal.exceptions import ApplicationError
from tests.comments.factories import open_version, representative_of, verified_organisation
from tests.comments.papers import pdf_bytes, upload


def _refusal(call, *args, **kwargs) -> str:
    with pytest.raises(ApplicationError) as refusal:
        call(*args, **kwargs)
    return refusal.value.message


def test_an_empty_paper_is_refused_in_french():
    with translation.override("fr"):
        message = _refusal(check_attachment, upload("vide.pdf", b""))
    assert message == "vide.pdf : le fichier est vide."


def test_a_paper_named_for_another_kind_is_refused_in_japanese():
    with translation.override("ja"):
        message = _refusal(check_attachment, upload("position.docx", pdf_bytes()))
    assert message == (
        "position.docx：内容は PDF 文書ですが、名前が「.docx」で終わっています。"
        "名前の末尾を .pdf にしてください。"
    )


def test_too_many_papers_are_refused_in_italian():
    with translation.override("it"):
        message = _refusal(attachments_check_count, 3, already=2)
    assert "ne ha già 2: ne sono stati inviati 3." in message


def test_a_sheet_without_its_columns_is_refused_in_german():
    sheet = SimpleUploadedFile("comments.csv", b"body\nno line column\n", "text/csv")
    with translation.override("de"):
        message = _refusal(bulk_file_rows, sheet)
    assert message.startswith("Der CSV-Kopfzeile fehlt die Spalte line_start; die Spalten sind: ")
    assert message.endswith("(und in einem ZIP attachments).")


def test_the_same_refusals_stay_english_in_english():
    with translation.override("en"):
        assert _refusal(check_attachment, upload("empty.pdf", b"")) == (
            "empty.pdf: the file is empty."
        )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "ja"])
def test_an_uploads_rejected_rows_are_reported_in_the_uploaders_language(language):
    """The worker files an upload in the language its uploader chose for the portal."""
    version = open_version(sections=3, lines_per_section=3)
    owner = representative_of(verified_organisation(name="Kumo AI"))
    owner.language = language
    owner.save(update_fields=["language"])
    rows = [
        {"external_id": "in", "line_start": 4, "body": "Inside."},
        {"external_id": "out", "line_start": 999, "body": "Outside."},
    ]
    content = "".join(json.dumps(row) + "\n" for row in rows).encode()
    submission = bulk.bulk_submission_create(
        version=version, owner=owner, upload=SimpleUploadedFile("rows.jsonl", content)
    )
    done = bulk.bulk_submission_process(submission_id=submission.pk)
    assert (done.created_count, done.rejected_count) == (1, 1)
    (rejection,) = BulkRejection.objects.filter(submission=submission)
    (reason,) = [message for messages in rejection.errors.values() for message in messages]
    with translation.override("en"):
        english = _reason_in_english(version, owner)
    assert reason != english and "999" in reason


def _reason_in_english(version, owner) -> str:
    """What the same row is told in English, filed directly."""
    (result,) = submit_service.comments_submit_batch(
        version=version,
        author=owner,
        items=[read_comment_item({"line_start": 999, "body": "Outside."})],
        channel="api",
    )
    return next(iter(result.errors.values()))[0]
