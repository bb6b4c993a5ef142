"""The printable receipt: a PDF with the reference, the text as filed (before any later edit),
the anchor and the time, linked from the receipt page; for the comment's author only."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from comments import receipts, selectors, services
from comments.anchoring import Quote
from drafts.models import Line
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed():
    version = open_version(slug="receipt", title="Receipt Code", sections=1, lines_per_section=3)
    organisation = verified_organisation(name="Org R")
    author = representative_of(organisation, make_user(email="r@org.example"))
    text = Line.objects.get(version=version, number=3).text
    phrase = text.split()[0]
    comment = submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=3,
        body="Name **who** runs the red team.",
        quote=Quote(phrase, start=0),
    )
    return comment, phrase


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_author_downloads_a_pdf_with_the_text_as_filed(client, filed):
    comment, phrase = filed
    services.comment_edit(
        comment=comment,
        user=comment.author,
        body="Edited afterwards.",
        proposed_text="",
        kind=comment.kind,
        stance=comment.stance,
    )
    client.force_login(comment.author)
    receipt_page = client.get(reverse("comments:comment_receipt", args=[comment.reference]))
    url = reverse("comments:comment_receipt_pdf", args=[comment.reference])
    assert f'href="{url}"' in receipt_page.content.decode()

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{comment.reference}-receipt.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert comment.reference in text
    assert "Name who runs the red team." in text
    assert "Edited afterwards." not in text
    assert f"line 3, “{phrase}”" in text
    assert comment.created_at.strftime("%Y") in text
    assert "Org R" in text


def test_the_text_as_filed_is_the_text_now_when_never_edited(filed):
    comment, _ = filed
    assert selectors.comment_as_filed(comment).body == "Name **who** runs the red team."
    html = receipts.receipt_html(comment, selectors.comment_as_filed(comment))
    assert "<strong>who</strong>" in html
    assert "<script" not in html and "<link" not in html


def test_no_one_but_the_author_gets_the_receipt(client, filed):
    comment, _ = filed
    url = reverse("comments:comment_receipt_pdf", args=[comment.reference])
    assert client.get(url).status_code == 302  # to sign in
    colleague = representative_of(comment.organisation, make_user(email="other@org.example"))
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("comments:comment_receipt", args=[comment.reference])).status_code == 404
    )
