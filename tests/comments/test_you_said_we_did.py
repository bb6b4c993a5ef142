""" "You said, we did": section by section what changed from v1 to v2 and the comments that
led to it, with their answers and objections; public comments for everyone, confidential ones
for the secretariat and working groups only, on the page and in the PDF and Word files."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from comments import services
from comments.you_said import you_said_we_did
from tests.accounts.factories import make_user
from tests.comments.answer_loop import SECRET, carried_consultation
from tests.comments.factories import working_group_member
from tests.conftest import login_with_two_factor


@pytest.fixture
def loop(db, secretariat_user):
    loop = carried_consultation()
    for comment, cited in ((loop.amendment, [(4, 4)]), (loop.secret, [(4, 4)])):
        services.comment_dispose(
            comments=[comment],
            user=secretariat_user,
            outcome="accepted",
            response=f"Done for {comment.reference}.",
            cited=cited,
        )
    services.comment_dispose(
        comments=[loop.deleted], user=secretariat_user, outcome="noted", response="Line dropped."
    )
    services.response_period_set(
        version=loop.v1, closes_at=timezone.now() + timedelta(days=3), user=secretariat_user
    )
    services.disposition_answer(
        comment=loop.amendment, user=loop.author, answer="objected", reason="Not yearly."
    )
    return loop


def url(loop, name="comments:you_said_we_did", *extra):
    return reverse(name, args=[loop.v2.draft.slug, 2, *extra])


def test_comments_are_placed_in_the_section_whose_change_answers_them(loop, secretariat_user):
    report = you_said_we_did(user=secretariat_user, new=loop.v2)
    by_key = {section.key: section for section in report.sections}
    assert report.full and report.old == loop.v1
    risks = [item.reference for item in by_key["action-1"].comments]
    assert risks == [loop.amendment.reference, loop.secret.reference]
    amendment = by_key["action-1"].comments[0]
    assert (amendment.outcome, amendment.cited, amendment.objections) == ("Accepted", "4", 1)
    # The deleted line's comment follows where it was carried: its section, text removed.
    report_items = by_key["action-2"].comments
    assert [item.reference for item in report_items] == [loop.deleted.reference]
    assert report_items[0].carried == "text removed"
    assert any(change.kind == "delete" for change in by_key["action-2"].changes)
    assert by_key["action-2"].status == "changed"


def test_the_public_page_holds_public_comments_only(client, loop):
    page = client.get(url(loop)).content.decode()
    assert "Public version: public comments only." in page
    assert loop.amendment.reference in page and loop.deleted.reference in page
    assert loop.secret.reference not in page and SECRET not in page
    assert "1 objection" in page
    # A member of the filing organisation reads the public version too.
    client.force_login(loop.author)
    assert loop.secret.reference not in client.get(url(loop)).content.decode()


@pytest.mark.parametrize("reader", ["secretariat", "working group"])
def test_the_full_page_is_for_the_secretariat_and_working_groups(
    client, loop, secretariat_user, reader
):
    user = secretariat_user if reader == "secretariat" else working_group_member()
    login_with_two_factor(client, user)
    page = client.get(url(loop)).content.decode()
    assert "confidential comments included" in page
    assert loop.secret.reference in page and SECRET in page


def test_the_pdf_and_word_files_follow_the_same_rule(client, loop, secretariat_user):
    public_pdf = client.get(url(loop, "comments:you_said_we_did_file", "pdf"))
    assert public_pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(public_pdf.content)).pages)
    assert loop.amendment.reference in text and loop.secret.reference not in text
    public_docx = client.get(url(loop, "comments:you_said_we_did_file", "docx"))
    words = "\n".join(p.text for p in Document(io.BytesIO(public_docx.content)).paragraphs)
    assert loop.amendment.reference in words and SECRET not in words
    assert "You said, we did" in words
    login_with_two_factor(client, secretariat_user)
    full_docx = client.get(url(loop, "comments:you_said_we_did_file", "docx"))
    words = "\n".join(p.text for p in Document(io.BytesIO(full_docx.content)).paragraphs)
    assert SECRET in words and "full" in full_docx["Content-Disposition"]


def test_the_first_version_and_unknown_formats_have_no_report(client, loop):
    assert (
        client.get(reverse("comments:you_said_we_did", args=[loop.v1.draft.slug, 1])).status_code
        == 404
    )
    assert client.get(url(loop, "comments:you_said_we_did_file", "odt")).status_code == 404


def test_the_version_page_and_the_compare_page_link_to_it(client, loop):
    assert url(loop) in client.get(loop.v2.get_absolute_url()).content.decode()
    compare = reverse("drafts:compare", args=[loop.v1.draft.slug]) + "?from=1&to=2"
    assert url(loop) in client.get(compare).content.decode()


def test_the_page_stays_in_bounded_queries(client, loop, django_assert_max_num_queries):
    client.force_login(make_user())
    with django_assert_max_num_queries(20):
        assert client.get(url(loop)).status_code == 200
