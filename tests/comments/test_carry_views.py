"""Pages of carried comments: the secretariat's review queue and the new version's page, which
lists the comments carried from the previous version apart from its own."""

import pytest
from django.urls import reverse

from comments.models import CarriedComment
from drafts import services as draft_services
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.comments.services.test_carry import V1, V2
from tests.conftest import login_with_two_factor
from tests.drafts.factories import publish

QUEUE = reverse("comments:carried_queue")


@pytest.fixture
def v2(db):
    v1 = open_version(source=V1)
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation)
    submit(version=v1, author=author, organisation=organisation, line_start=4)
    submit(version=v1, author=author, organisation=organisation, line_start=7)
    submit(
        version=v1,
        author=author,
        organisation=organisation,
        line_start=5,
        visibility="confidential",
        body="Our red-team findings stay between us and the secretariat.",
    )
    return publish(draft_services.version_create(draft=v1.draft, source=V2, created_by=None))


def pending_row(version):
    return CarriedComment.objects.get(version=version, review=CarriedComment.Review.PENDING)


def test_the_queue_is_the_secretariats(client, v2):
    assert client.get(QUEUE).status_code == 302  # to sign in
    client.force_login(make_user())
    assert client.get(QUEUE).status_code == 403


def test_the_secretariat_sees_the_rewritten_comment_waiting(secretariat_client, v2):
    page = secretariat_client.get(QUEUE)
    assert page.status_code == 200
    row = pending_row(v2)
    assert row.comment.reference in page.content.decode()
    assert page.content.decode().count('name="decision" value="confirm"') == 1


def test_a_decision_from_the_queue_is_recorded(secretariat_client, v2):
    row = pending_row(v2)
    url = reverse("comments:carried_review", args=[row.pk])
    response = secretariat_client.post(url, {"decision": "repoint", "line_start": "5"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.review, row.line_start, row.line_end) == ("repointed", 5, 5)
    assert "Nothing to review." in secretariat_client.get(QUEUE).content.decode()


def test_a_bad_line_number_is_told_not_stored(secretariat_client, v2):
    row = pending_row(v2)
    url = reverse("comments:carried_review", args=[row.pk])
    response = secretariat_client.post(url, {"decision": "repoint", "line_start": "x"}, follow=True)
    assert "line_start must be a line number" in response.content.decode()
    row.refresh_from_db()
    assert row.review == "pending"


def test_a_stakeholder_cannot_post_a_decision(client, v2):
    client.force_login(make_user())
    row = pending_row(v2)
    url = reverse("comments:carried_review", args=[row.pk])
    assert client.post(url, {"decision": "confirm"}).status_code == 404
    row.refresh_from_db()
    assert row.review == "pending"


def test_the_new_version_lists_carried_comments_from_v1_apart_from_its_own(client, v2):
    page = client.get(v2.get_absolute_url()).content.decode()
    assert "From v1 (2)" in page
    assert "0 new comments you can see on this version, and 2 carried from v1" in page
    assert "awaiting review" in page  # the reworded line's comment
    assert "answered by removal" not in page


def test_a_carried_confidential_comment_is_seen_only_by_those_who_may(client, secretariat_user, v2):
    confidential = CarriedComment.objects.get(version=v2, comment__visibility="confidential")
    reference = confidential.comment.reference
    assert reference not in client.get(v2.get_absolute_url()).content.decode()
    login_with_two_factor(client, secretariat_user)
    page = client.get(v2.get_absolute_url()).content.decode()
    assert reference in page and "From v1 (3)" in page


def test_the_page_with_many_carried_comments_runs_a_constant_number_of_queries(
    db, client, django_assert_max_num_queries
):
    v1 = open_version(source=V1)
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation)
    for n in range(60):
        submit(
            version=v1,
            author=author,
            organisation=organisation,
            line_start=4 + n % 5,
            body=f"Comment number {n} on this practice.",
        )
    v2 = draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    publish(v2)
    with django_assert_max_num_queries(9):  # with the quotes to mark and the languages
        page = client.get(v2.get_absolute_url())
    assert "From v1 (60)" in page.content.decode()


def test_the_queue_with_many_comments_runs_a_constant_number_of_queries(
    db, client, secretariat_user, django_assert_max_num_queries
):
    v1 = open_version(source=V1)
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation)
    for n in range(40):
        submit(
            version=v1,
            author=author,
            organisation=organisation,
            line_start=4,
            body=f"Comment number {n} on the register.",
        )
    draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    login_with_two_factor(client, secretariat_user)
    with django_assert_max_num_queries(6):
        page = client.get(QUEUE)
    assert page.content.decode().count('value="repoint"') == 40
