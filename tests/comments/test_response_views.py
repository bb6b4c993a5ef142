"""Pages where commenters answer the answer, the secretariat sets the deadline, and the
secretariat's list of objections."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import DispositionResponse, ResponsePeriod
from tests.accounts.factories import make_user
from tests.comments.answer_loop import SECRET, carried_consultation
from tests.conftest import login_with_two_factor

OBJECTIONS = reverse("comments:objections")


@pytest.fixture
def loop(db, secretariat_user):
    loop = carried_consultation()
    services.comment_dispose(
        comments=[loop.amendment, loop.secret],
        user=secretariat_user,
        outcome="rejected",
        response="Out of scope.",
    )
    return loop


def set_deadline(loop, user, **delta):
    services.response_period_set(
        version=loop.v1, closes_at=timezone.now() + timedelta(**delta), user=user
    )


def respond(client, comment, **data):
    url = reverse("comments:disposition_respond", args=[comment.reference])
    return client.post(url, data, follow=True)


def test_the_author_is_offered_the_form_and_objects(client, loop, secretariat_user):
    set_deadline(loop, secretariat_user, days=7)
    client.force_login(loop.author)
    page = client.get(loop.amendment.get_absolute_url()).content.decode()
    assert "Does this answer satisfy you?" in page
    page = respond(client, loop.amendment, answer="objected", reason="It is in scope.")
    assert "Your objection is recorded" in page.content.decode()
    assert DispositionResponse.objects.get().reason == "It is in scope."


def test_after_the_deadline_the_form_is_gone_and_a_late_answer_refused(
    client, loop, secretariat_user
):
    set_deadline(loop, secretariat_user, days=7)
    ResponsePeriod.objects.update(closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(loop.author)
    page = client.get(loop.amendment.get_absolute_url()).content.decode()
    assert "Does this answer satisfy you?" not in page
    assert "Responses to this answer closed on" in page
    page = respond(client, loop.amendment, answer="accepted").content.decode()
    assert "Responses to the answers on v1 closed on" in page
    assert not DispositionResponse.objects.exists()


def test_someone_else_is_not_offered_the_form_and_is_refused(client, loop, secretariat_user):
    set_deadline(loop, secretariat_user, days=7)
    client.force_login(make_user())
    page = client.get(loop.amendment.get_absolute_url()).content.decode()
    assert "Does this answer satisfy you?" not in page
    assert respond(client, loop.amendment, answer="accepted").status_code == 403
    assert not DispositionResponse.objects.exists()


def test_the_objections_page_is_the_secretariats(client, loop, secretariat_user):
    set_deadline(loop, secretariat_user, days=7)
    services.disposition_answer(
        comment=loop.secret, user=loop.author, answer="objected", reason="Reconsider please."
    )
    assert client.get(OBJECTIONS).status_code == 302
    client.force_login(loop.author)
    assert client.get(OBJECTIONS).status_code == 403
    login_with_two_factor(client, secretariat_user)
    page = client.get(OBJECTIONS).content.decode()
    assert loop.secret.reference in page and "Reconsider please." in page
    assert SECRET not in page


def test_the_secretariat_sets_the_deadline_from_the_matrix(secretariat_client, loop):
    matrix = reverse("comments:matrix", args=[loop.v1.draft.slug, 1])
    assert (
        "Commenters cannot answer these dispositions"
        in secretariat_client.get(matrix).content.decode()
    )
    when = (timezone.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("comments:response_deadline", args=[loop.v1.draft.slug, 1])
    response = secretariat_client.post(url, {"closes_at": when, "next": matrix}, follow=True)
    assert "Commenters may answer the dispositions of v1 until" in response.content.decode()
    assert ResponsePeriod.objects.get(version=loop.v1).set_by.email == "secretariat@example.org"


def test_a_stakeholder_cannot_set_the_deadline(client, loop):
    client.force_login(loop.author)
    url = reverse("comments:response_deadline", args=[loop.v1.draft.slug, 1])
    when = (timezone.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    client.post(url, {"closes_at": when})
    assert not ResponsePeriod.objects.exists()


def test_the_objections_page_stays_in_bounded_queries(
    secretariat_client, loop, secretariat_user, django_assert_max_num_queries
):
    set_deadline(loop, secretariat_user, days=7)
    for comment in (loop.amendment, loop.secret):
        services.disposition_answer(
            comment=comment, user=loop.author, answer="objected", reason="No."
        )
    with django_assert_max_num_queries(15):
        assert secretariat_client.get(OBJECTIONS).status_code == 200
