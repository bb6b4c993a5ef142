"""The moderation queue as the secretariat reaches and uses it: linked from the navigation with
the number of reports waiting, each reported comment shown with its text and reports, and
hide, dismiss and restore bringing the secretariat back to the queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services
from comments.models import Comment, Flag
from drafts.models import DraftVersion
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db
QUEUE = reverse("comments:moderation_queue")


@pytest.fixture
def version() -> DraftVersion:
    return open_version(sections=3, lines_per_section=3)


@pytest.fixture
def author():
    return representative_of(verified_organisation(name="Kumo AI"))


def _reported(version, author, *reasons: str, body: str = "Buy **cheap** tokens.") -> Comment:
    comment = submit(version=version, author=author, body=body)
    for reason in reasons:
        services.flag_create(comment=comment, user=make_user(), reason=reason)
    return comment


def _nav(page: str) -> str:
    return page.split('<nav aria-label="Main">')[1].split("</nav>")[0]


def test_the_navigation_links_the_queue_with_the_reports_waiting(
    client, version, author, secretariat_user
):
    _reported(version, author, "Spam.", "Advertising.")
    _reported(version, author, "Off topic.")
    login_with_two_factor(client, secretariat_user)
    nav = _nav(client.get("/").content.decode())
    assert f'href="{QUEUE}"' in nav
    assert '<span class="nav-count">3<span class="visually-hidden"> reports waiting' in nav


def test_no_count_when_nothing_waits(client, secretariat_user):
    login_with_two_factor(client, secretariat_user)
    nav = _nav(client.get("/").content.decode())
    assert f'href="{QUEUE}"' in nav and "nav-count" not in nav


def test_others_see_no_moderation_link(client, version, author, secretariat_user):
    _reported(version, author, "Spam.")
    client.force_login(author)
    assert QUEUE not in _nav(client.get("/").content.decode())
    client.force_login(secretariat_user)  # without two-factor: no secretariat powers
    assert QUEUE not in _nav(client.get("/").content.decode())


def test_the_queue_shows_each_comment_with_its_text_and_reports(
    secretariat_client, version, author
):
    twice = _reported(version, author, "Spam.", "Advertising a product.")
    once = _reported(version, author, "Insulting.", body="You are all _wrong_.")
    page = secretariat_client.get(QUEUE).content.decode()
    assert page.index(twice.reference) < page.index(once.reference)  # longest waiting first
    assert "Buy <strong>cheap</strong> tokens." in page
    assert "You are all <em>wrong</em>." in page
    assert "2 reports" in page and "1 report<" in page
    for reason in ("Spam.", "Advertising a product.", "Insulting."):
        assert f"<q>{reason}</q>" in page
    assert page.count("Dismiss the report") == 2
    assert reverse("comments:dismiss_reports", args=[twice.reference]) in page
    assert reverse("comments:hide", args=[once.reference]) in page


def test_the_queue_costs_the_same_queries_whatever_the_number_of_reports(
    secretariat_client, secretariat_user, version, author
):
    _reported(version, author, "Spam.")
    secretariat_client.get(QUEUE)  # warm the session and the permission facts
    with CaptureQueriesContext(connection) as one:
        secretariat_client.get(QUEUE)
    for n in range(5):
        _reported(version, author, "Spam.", f"Also {n}.")
    services.comment_hide(
        comment=_reported(version, author), moderator=secretariat_user, reason="Spam."
    )
    with CaptureQueriesContext(connection) as six:
        page = secretariat_client.get(QUEUE).content.decode()
    assert page.count("Dismiss the report") == 6
    assert len(six) == len(one)


def test_dismissing_from_the_queue_returns_to_it(secretariat_client, version, author):
    comment = _reported(version, author, "Spam.", "Rude.")
    response = secretariat_client.post(
        reverse("comments:dismiss_reports", args=[comment.reference]),
        {"reason": "Fair criticism.", "next": QUEUE},
        follow=True,
    )
    assert response.redirect_chain == [(QUEUE, 302)]
    page = response.content.decode()
    assert f"The 2 reports on {comment.reference} are dismissed" in page
    assert "Nothing reported." in page
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED


def test_hiding_and_restoring_from_the_queue_return_to_it(secretariat_client, version, author):
    comment = _reported(version, author, "Spam.")
    hide = reverse("comments:hide", args=[comment.reference])
    response = secretariat_client.post(hide, {"reason": "Advertising.", "next": QUEUE})
    assert response.url == QUEUE
    page = secretariat_client.get(QUEUE).content.decode()
    assert "Nothing reported." in page and "Advertising." in page
    restore = reverse("comments:restore", args=[comment.reference])
    response = secretariat_client.post(restore, {"reason": "Appeal upheld.", "next": QUEUE})
    assert response.url == QUEUE
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED


@pytest.mark.parametrize(
    "next_url", ["https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)", ""]
)
def test_a_next_that_leaves_the_site_goes_to_the_comment(
    secretariat_client, version, author, next_url
):
    comment = _reported(version, author, "Spam.")
    response = secretariat_client.post(
        reverse("comments:dismiss_reports", args=[comment.reference]),
        {"reason": "Fine.", "next": next_url},
    )
    assert response.url == comment.get_absolute_url()


def test_only_the_secretariat_dismisses(client, version, author, secretariat_user):
    comment = _reported(version, author, "Spam.")
    client.force_login(author)
    response = client.post(
        reverse("comments:dismiss_reports", args=[comment.reference]),
        {"reason": "Mine is fine.", "next": QUEUE},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Only the secretariat moderates comments."
    ]
    assert Flag.objects.get(comment=comment).resolved_at is None
    assert client.get(QUEUE).status_code == 403
