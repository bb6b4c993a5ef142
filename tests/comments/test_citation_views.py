"""The disposition form with the lines of the next version it may cite, and the compare page
that shows beside each change the comments it answers, as the viewer may see them."""

import pytest
from django.urls import reverse

from comments import services
from comments.models import CitedLines, Disposition
from tests.accounts.factories import make_user
from tests.comments.answer_loop import carried_consultation


@pytest.fixture
def loop(db):
    return carried_consultation()


def test_the_form_suggests_the_lines_and_records_them(secretariat_client, loop):
    url = loop.amendment.get_absolute_url()
    page = secretariat_client.get(url).content.decode()
    assert "Lines of v2 that answer this comment" in page
    assert 'name="suggested" value="4"' in page
    response = secretariat_client.post(
        reverse("comments:dispose", args=[loop.amendment.reference]),
        {"outcome": "accepted", "response": "Now public.", "suggested": ["4"], "cited": "7-8"},
    )
    assert response.status_code == 302
    cited = CitedLines.objects.filter(disposition__comment=loop.amendment)
    assert [(c.line_start, c.line_end) for c in cited] == [(4, 4), (7, 8)]
    page = secretariat_client.get(url).content.decode()
    assert "v2, lines 7–8" in page and 'value="4, 7–8"' in page


def test_a_bad_line_is_told_and_nothing_recorded(secretariat_client, loop):
    response = secretariat_client.post(
        reverse("comments:dispose", args=[loop.amendment.reference]),
        {"outcome": "accepted", "response": "Now public.", "cited": "four"},
        follow=True,
    )
    assert "is not a line number or a range" in response.content.decode()
    assert not Disposition.objects.filter(comment=loop.amendment).exists()
    assert not CitedLines.objects.exists()


def _cite_all(loop, secretariat_user):
    for comment in (loop.amendment, loop.secret):
        services.comment_dispose(
            comments=[comment],
            user=secretariat_user,
            outcome="accepted",
            response="Done.",
            cited=[(4, 4)],
        )


def test_the_compare_page_shows_the_comments_a_change_answers(client, loop, secretariat_user):
    _cite_all(loop, secretariat_user)
    url = reverse("drafts:compare", args=[loop.v1.draft.slug]) + "?from=1&to=2"
    page = client.get(url).content.decode()
    assert "This change answers" in page
    assert loop.amendment.reference in page
    assert loop.secret.reference not in page  # confidential: not for the public


def test_the_compare_page_shows_confidential_answers_to_the_commenters_organisation(
    client, loop, secretariat_user
):
    _cite_all(loop, secretariat_user)
    client.force_login(loop.author)
    url = reverse("drafts:compare", args=[loop.v1.draft.slug]) + "?from=1&to=2&layout=unified"
    page = client.get(url).content.decode()
    assert loop.secret.reference in page and loop.amendment.reference in page
    client.force_login(make_user())
    assert loop.secret.reference not in client.get(url).content.decode()


def test_the_compare_page_stays_in_bounded_queries(
    client, loop, secretariat_user, django_assert_max_num_queries
):
    _cite_all(loop, secretariat_user)
    url = reverse("drafts:compare", args=[loop.v1.draft.slug]) + "?from=1&to=2"
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
