"""The comment matrix reads like a document: kinds and sections by name, one wording for a
comment not answered yet, no outcome chosen in advance, an answer link on every row, and
counts that agree with the CSV (hidden comments counted apart)."""

import csv
import io

import pytest
from django.urls import reverse

from comments import secretariat_selectors, services
from comments.models import Disposition
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db


def test_the_matrix_names_kinds_and_sections_and_agrees_with_its_csv(client, secretariat_user):
    version = open_version(sections=2, lines_per_section=3)
    author = representative_of(verified_organisation(name="Org M"))
    technical = submit(version=version, author=author, line_start=4, kind="technical")
    answered = submit(version=version, author=author, line_start=5)
    hidden = submit(version=version, author=author, line_start=6, body="Off-topic text.")
    services.comment_dispose(
        comments=[answered],
        user=secretariat_user,
        outcome=Disposition.Outcome.ACCEPTED,
        response="Taken up.",
    )
    services.comment_hide(comment=hidden, moderator=secretariat_user, reason="Spam.")
    login_with_two_factor(client, secretariat_user)
    args = [version.draft.slug, version.number]

    page = client.get(reverse("comments:matrix", args=args)).content.decode()
    heading = technical.section.heading
    assert f"<td>{heading}<br>line 4</td>" in page
    assert technical.section.key not in page.split("<tbody>")[1]
    assert "<td>Technical" in page and "<td>te" not in page
    assert "Not answered yet" in page and ">Open<" not in page
    assert f'href="{technical.get_absolute_url()}#disposition-h">Answer' in page
    assert '<option value="" selected>Choose an outcome</option>' in page
    assert (
        "2 published comments, the rows of the CSV: 1 answered, 1 not answered yet."
        " Counted apart: 1 hidden by moderation, not in the CSV."
    ) in page

    download = client.get(reverse("comments:matrix_download", args=args))
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))[1:]
    counts = secretariat_selectors.matrix_counts(version)
    assert len(rows) == counts.published == 2
    assert hidden.reference not in content


def test_the_bulk_form_refuses_an_answer_without_an_outcome(client, secretariat_user):
    version = open_version(sections=1, lines_per_section=3)
    comment = submit(version=version, author=representative_of(verified_organisation()))
    login_with_two_factor(client, secretariat_user)
    url = reverse("comments:matrix", args=[version.draft.slug, version.number])
    response = client.post(
        url, {"comments": [comment.pk], "outcome": "", "response": "Taken up."}, follow=True
    )
    assert "Choose an outcome and write the response." in response.content.decode()
    assert not Disposition.objects.exists()
