"""Downloading and attaching position papers through the pages: only whoever may see the
comment gets the file, always as a download that is never sniffed."""

import pytest
from django.urls import reverse

from comments import services
from comments.models import Attachment, Comment
from tests.accounts.factories import make_user
from tests.comments.factories import (
    member_of,
    open_version,
    representative_of,
    verified_organisation,
    working_group_member,
)
from tests.comments.papers import docx_bytes, pdf_bytes, upload
from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db


def _with_paper(visibility: str = "public", version=None) -> tuple[Comment, Attachment]:
    organisation = verified_organisation()
    author = representative_of(organisation)
    comment = services.comment_submit(
        version=version or open_version(),
        author=author,
        data=services.CommentInput(
            line_start=3,
            line_end=3,
            body="Our paper.",
            organisation=organisation.slug,
            visibility=visibility,
        ),
        attachments=[upload("Our position.pdf", pdf_bytes("Keep humans in the loop."))],
    )
    return comment, comment.attachments.get()


def _url(comment: Comment, attachment: Attachment) -> str:
    return reverse("comments:attachment_download", args=[comment.reference, attachment.pk])


def test_a_public_paper_is_sent_as_a_download_that_is_never_sniffed(client):
    comment, attachment = _with_paper()
    response = client.get(_url(comment, attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Our position.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes("Keep humans in the loop.")


def test_the_comment_page_links_its_papers(client):
    comment, attachment = _with_paper()
    page = client.get(comment.get_absolute_url()).content.decode()
    assert _url(comment, attachment) in page and "Our position.pdf" in page


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("anonymous", 404),
        ("another stakeholder", 404),
        ("author", 200),
        ("colleague", 200),
        ("secretariat", 200),
        ("working group", 200),
    ],
)
def test_a_confidential_paper_reaches_only_those_who_see_the_comment(
    client, secretariat_user, viewer, status
):
    comment, attachment = _with_paper("confidential")
    if viewer == "another stakeholder":
        client.force_login(representative_of(verified_organisation()))
    elif viewer == "author":
        client.force_login(comment.author)
    elif viewer == "colleague":
        client.force_login(member_of(comment.organisation))
    elif viewer == "secretariat":
        login_with_two_factor(client, secretariat_user)
    elif viewer == "working group":
        login_with_two_factor(client, working_group_member())
    response = client.get(_url(comment, attachment))
    assert response.status_code == status
    if status == 200:
        assert "no-store" in response["Cache-Control"]
    else:
        assert b"Keep humans" not in response.content


def test_a_paper_of_a_hidden_comment_is_gone_for_the_public(client, secretariat_user):
    comment, attachment = _with_paper()
    services.comment_hide(comment=comment, moderator=secretariat_user, reason="Off topic.")
    assert client.get(_url(comment, attachment)).status_code == 404


def test_a_paper_is_found_only_under_its_own_comment(client):
    comment, attachment = _with_paper()
    other, _ = _with_paper(version=comment.version)
    url = reverse("comments:attachment_download", args=[other.reference, attachment.pk])
    assert client.get(url).status_code == 404


def test_the_comment_form_files_a_comment_with_its_paper(client):
    version = open_version()
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("comments:comment_create", args=[version.draft.slug, version.number]),
        {
            "line_start": "3",
            "line_end": "3",
            "kind": "general",
            "body": "Summary: see the paper.",
            "visibility": "public",
            "language": "en",
            "attachments": [upload("paper.docx", docx_bytes("Our view."))],
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.attachments.get().text == "Our view."


def test_the_comment_form_names_a_refused_file_and_files_nothing(client):
    version = open_version()
    client.force_login(make_user())
    response = client.post(
        reverse("comments:comment_create", args=[version.draft.slug, version.number]),
        {
            "line_start": "3",
            "kind": "general",
            "body": "Summary.",
            "visibility": "public",
            "attachments": [upload("tool.pdf", b"MZ\x90\x00" + bytes(64))],
        },
    )
    assert response.status_code == 422
    assert "tool.pdf: its content is not a PDF" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_author_attaches_a_paper_from_the_comment_page(client):
    comment, _ = _with_paper()
    client.force_login(comment.author)
    response = client.post(
        reverse("comments:attachment_add", args=[comment.reference]),
        {"attachments": [upload("annex.docx", docx_bytes("Annex."))]},
    )
    assert response.status_code == 302
    assert sorted(a.file_name for a in comment.attachments.all()) == [
        "Our position.pdf",
        "annex.docx",
    ]


def test_someone_else_cannot_attach_to_a_comment(client):
    comment, _ = _with_paper()
    client.force_login(make_user())
    response = client.post(
        reverse("comments:attachment_add", args=[comment.reference]),
        {"attachments": [upload("annex.docx", docx_bytes("Annex."))]},
    )
    assert response.status_code == 403
    assert comment.attachments.count() == 1
