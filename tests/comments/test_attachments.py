"""Position papers attached to comments: checked by content, within limits, stored
privately with their text, all or nothing."""

import re

import pytest
from django.core.files.storage import storages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments import services
from comments.attachment_files import check_attachment
from comments.models import Attachment, Comment
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError, NotAllowed
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.comments.papers import (
    docx_bytes,
    encrypted_pdf_bytes,
    odt_bytes,
    pdf_bytes,
    upload,
    zip_bomb_docx_bytes,
)

pytestmark = pytest.mark.django_db


def _comment(**fields) -> Comment:
    organisation = verified_organisation()
    return submit(
        version=open_version(), author=representative_of(organisation), organisation=organisation
    )


def _input(body: str = "Our position paper, attached."):
    return services.CommentInput(line_start=3, line_end=3, body=body)


@pytest.mark.parametrize(
    ("name", "data", "kind", "text"),
    [
        ("paper.pdf", pdf_bytes("Independent red teams."), "pdf", "Independent red teams."),
        (
            "paper.docx",
            docx_bytes("First point.", "Second point."),
            "docx",
            "First point.\nSecond point.",
        ),
        ("paper.odt", odt_bytes("Point de vue."), "odt", "Point de vue."),
    ],
)
def test_a_comment_filed_with_a_paper_keeps_the_file_privately_with_its_text(
    name, data, kind, text
):
    version = open_version()
    author = make_user()
    comment = services.comment_submit(
        version=version, author=author, data=_input(), attachments=[upload(name, data)]
    )
    (attachment,) = comment.attachments.all()
    assert (attachment.file_name, attachment.kind, attachment.size) == (name, kind, len(data))
    assert attachment.text == text
    assert attachment.file.storage is storages["private"]
    assert attachment.file.read() == data
    assert attachment.file.name.startswith("attachments/") and name not in attachment.file.name


def test_private_files_have_no_url_and_live_under_media_root_private(tmp_path):
    from haip_portal.settings import base
    from haip_portal.storage import PrivateFileSystemStorage

    private: dict = base.PRIVATE_STORAGE
    assert private["BACKEND"] == "haip_portal.storage.PrivateFileSystemStorage"
    assert private["OPTIONS"]["location"] == f"{base.MEDIA_ROOT}/private"
    assert base.STORAGES["private"] is private
    with pytest.raises(ValueError, match="no URL"):
        PrivateFileSystemStorage(location=tmp_path).url("attachments/x.pdf")


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("setup.pdf", b"MZ\x90\x00" + bytes(200), "its content is not a PDF, Word (DOCX)"),
        ("paper.pdf", encrypted_pdf_bytes(), "the PDF is encrypted"),
        ("paper.docx", zip_bomb_docx_bytes(), "refused as a possible zip bomb"),
        ("paper.docx", pdf_bytes(), "its content is a PDF document but its name ends in '.docx'"),
        ("paper.pdf", b"%PDF-1.7\n" + bytes(300), "the PDF is damaged"),
        ("paper.docx", b"PK\x03\x04" + bytes(300), "damaged zip archive"),
        ("sheet.docx", b"", "the file is empty"),
    ],
)
def test_a_file_that_is_no_paper_is_refused_by_name_and_nothing_is_stored(name, data, problem):
    version = open_version()
    with pytest.raises(ApplicationError, match=re.escape(problem)) as raised:
        services.comment_submit(
            version=version, author=make_user(), data=_input(), attachments=[upload(name, data)]
        )
    assert raised.value.field == "attachments"
    assert name in raised.value.message
    assert not Comment.objects.exists() and not Attachment.objects.exists()


def test_a_zip_that_is_no_document_is_refused():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ApplicationError, match="not a Word"):
        check_attachment(upload("book.docx", out.getvalue()))


def test_a_paper_over_the_size_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 500
    with pytest.raises(ApplicationError, match="the limit is 500 per file"):
        check_attachment(upload("paper.pdf", pdf_bytes("x" * 600)))


def test_declared_unpacked_size_over_the_limit_is_refused_before_reading(settings):
    settings.ATTACHMENT_MAX_UNPACKED_BYTES = 1000
    with pytest.raises(ApplicationError, match="would unpack to"):
        check_attachment(upload("paper.docx", docx_bytes("word " * 400)))


def test_extracted_text_is_capped(settings):
    settings.ATTACHMENT_MAX_TEXT_CHARS = 50
    checked = check_attachment(upload("paper.docx", docx_bytes(*["A long paragraph."] * 20)))
    assert len(checked.text) == 50


def test_a_document_declaring_entities_is_refused():
    bomb = docx_bytes("x").replace(b"", b"")  # a valid one, then one with a DTD
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaa">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>"
    )
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", evil)
    assert check_attachment(upload("ok.docx", bomb)).text == "x"
    with pytest.raises(ApplicationError, match="not well-formed XML"):
        check_attachment(upload("paper.docx", out.getvalue()))


def test_more_papers_than_the_limit_are_refused_and_none_is_stored(settings):
    settings.ATTACHMENT_MAX_PER_COMMENT = 2
    files = [upload(f"p{n}.pdf", pdf_bytes()) for n in range(3)]
    with pytest.raises(ApplicationError, match="at most 2 attachments"):
        services.comment_submit(
            version=open_version(), author=make_user(), data=_input(), attachments=files
        )
    assert not Comment.objects.exists()


def test_one_bad_file_among_good_ones_stores_nothing():
    comment = _comment()
    files = [upload("good.pdf", pdf_bytes()), upload("bad.pdf", b"not a pdf at all")]
    with pytest.raises(ApplicationError, match=r"bad\.pdf"):
        services.attachments_add(comment=comment, user=comment.author, files=files)
    assert not Attachment.objects.exists()


def test_the_author_adds_papers_later_counted_against_the_limit(settings):
    settings.ATTACHMENT_MAX_PER_COMMENT = 2
    comment = _comment()
    services.attachments_add(
        comment=comment, user=comment.author, files=[upload("a.pdf", pdf_bytes())]
    )
    with pytest.raises(ApplicationError, match="it already has 1"):
        services.attachments_add(
            comment=comment,
            user=comment.author,
            files=[upload("b.pdf", pdf_bytes()), upload("c.odt", odt_bytes("c"))],
        )
    assert comment.attachments.count() == 1


def test_only_the_author_attaches_papers():
    comment = _comment()
    with pytest.raises(NotAllowed):
        services.attachments_add(
            comment=comment, user=make_user(), files=[upload("a.pdf", pdf_bytes())]
        )
    assert not Attachment.objects.exists()


def test_a_withdrawn_comment_takes_no_papers():
    comment = _comment()
    services.comment_withdraw(comment=comment, user=comment.author)
    with pytest.raises(ApplicationError, match="withdrawn"):
        services.attachments_add(
            comment=comment, user=comment.author, files=[upload("a.pdf", pdf_bytes())]
        )


def test_a_one_line_summary_is_enough_with_a_paper():
    comment = services.comment_submit(
        version=open_version(),
        author=make_user(),
        data=_input("See our paper."),
        attachments=[upload("paper.pdf", pdf_bytes())],
    )
    assert comment.body == "See our paper." and comment.attachments.count() == 1


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(min_size=1, max_size=2048),
    name=st.sampled_from(["paper.pdf", "paper.docx", "paper.odt", "paper.exe"]),
)
def test_random_bytes_under_a_document_name_are_refused(data, name):
    with pytest.raises(ApplicationError) as raised:
        check_attachment(upload(name, data))
    assert raised.value.message.startswith(f"{name}: ")


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(min_size=0, max_size=1024),
    prefix=st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04"]),
)
def test_damaged_files_with_a_right_signature_are_refused_not_crashed(data, prefix):
    with pytest.raises(ApplicationError):
        check_attachment(
            upload("paper.pdf" if prefix.startswith(b"%") else "paper.docx", prefix + data)
        )


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=1024))
def test_random_bytes_named_pdf_file_no_comment_and_store_nothing(data):
    version = DraftVersion.objects.filter(status=DraftVersion.Status.OPEN).first() or open_version()
    with pytest.raises(ApplicationError, match=r"^paper\.pdf: "):
        services.comment_submit(
            version=version,
            author=make_user(),
            data=_input(),
            attachments=[upload("paper.pdf", data)],
        )
    assert not Comment.objects.exists()
    assert not Attachment.objects.exists()
