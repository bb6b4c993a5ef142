"""Hostile or unusable files refused on every way in (the comment form, adding papers to a
comment on its page, the API): a renamed executable, a PDF over the size limit, a zip bomb
named .docx and an encrypted PDF each get a message naming the file and the problem, and
nothing is kept: no comment, no attachment row, no file in the private storage."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import ApiToken
from comments.models import Attachment, Comment
from haip_portal.storage import PrivateFileSystemStorage
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.comments.papers import encrypted_pdf_bytes, pdf_bytes, upload, zip_bomb_docx_bytes

pytestmark = pytest.mark.django_db

SIZE_LIMIT = 40_000  # above the zip bomb's 31 kB, so it is refused for what it unpacks to
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + bytes(600)

HOSTILE = [
    pytest.param(
        "position.pdf",
        ELF_EXECUTABLE,
        "position.pdf: its content is not a PDF, Word (DOCX) or OpenDocument text (ODT) "
        "document; only those can be attached.",
        id="renamed-executable",
    ),
    pytest.param(
        "big.pdf",
        pdf_bytes("x" * (SIZE_LIMIT + 100)),
        f"big.pdf: the file is {len(pdf_bytes('x' * (SIZE_LIMIT + 100))):,} bytes; "
        f"the limit is {SIZE_LIMIT:,} per file.",
        id="pdf-over-the-limit",
    ),
    pytest.param(
        "annex.docx",
        zip_bomb_docx_bytes(),
        "refused as a possible zip bomb.",
        id="zip-bomb-docx",
    ),
    pytest.param(
        "locked.pdf",
        encrypted_pdf_bytes(),
        "locked.pdf: the PDF is encrypted (password-protected); attach an unprotected copy.",
        id="encrypted-pdf",
    ),
]


@pytest.fixture(autouse=True)
def private_files(tmp_path, settings, monkeypatch) -> Iterator[Path]:
    """Papers written to a folder of their own, so a test sees any file left behind (the
    field's storage is looked up once, when the model is defined: it is replaced here)."""
    settings.ATTACHMENT_MAX_BYTES = SIZE_LIMIT
    folder = tmp_path / "private"
    folder.mkdir()
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", PrivateFileSystemStorage(location=folder))
    cache.clear()
    yield folder
    cache.clear()


def _nothing_kept(folder: Path) -> None:
    assert not Attachment.objects.exists()
    assert [path for path in folder.rglob("*") if path.is_file()] == []


def _comment() -> Comment:
    organisation = verified_organisation()
    return submit(
        version=open_version(), author=representative_of(organisation), organisation=organisation
    )


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE)
def test_the_comment_form_refuses_the_file_and_files_nothing(
    client, private_files, name, data, message
):
    version = open_version()
    organisation = verified_organisation()
    client.force_login(representative_of(organisation))
    response = client.post(
        reverse("comments:comment_create", args=[version.draft.slug, version.number]),
        {
            "line_start": "3",
            "kind": "general",
            "body": "Summary: see our paper.",
            "visibility": "public",
            "attachments": [upload(name, data)],
        },
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Comment.objects.exists()
    _nothing_kept(private_files)


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE)
def test_adding_the_file_to_a_comment_on_its_page_is_refused_and_nothing_kept(
    client, private_files, name, data, message
):
    comment = _comment()
    client.force_login(comment.author)
    response = client.post(
        reverse("comments:attachment_add", args=[comment.reference]),
        {"attachments": [upload(name, data)]},
        follow=True,
    )
    assert message in response.content.decode()
    _nothing_kept(private_files)


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE)
def test_the_api_refuses_the_file_by_name_and_nothing_is_kept(
    client, private_files, name, data, message
):
    comment = _comment()
    _token, raw = make_token(
        user=comment.author,
        scopes=(ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE),
    )
    response = client.post(
        reverse("comments_api:comment_attachments", args=[comment.reference]),
        {"attachments": [upload(name, data)]},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]["attachments"]
    assert message in error and re.match(rf"^{re.escape(name)}: ", error)
    _nothing_kept(private_files)


def test_an_acceptable_paper_is_written_to_the_same_folder(client, private_files):
    """The check above would see a file left behind: an accepted paper lands there."""
    comment = _comment()
    client.force_login(comment.author)
    client.post(
        reverse("comments:attachment_add", args=[comment.reference]),
        {"attachments": [upload("fine.pdf", pdf_bytes("Fine."))]},
    )
    (kept,) = [path for path in private_files.rglob("*") if path.is_file()]
    assert kept.read_bytes() == pdf_bytes("Fine.")
    assert Attachment.objects.get().file_name == "fine.pdf"
