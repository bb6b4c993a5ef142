"""The answer loop over the API: carried comments and their review, dispositions with the
lines that answer them, objections; each as the caller may see it, and in the schema."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import CarriedComment
from tests.accounts.factories import make_token, make_user
from tests.comments.answer_loop import carried_consultation
from tests.comments.factories import representative_of
from tests.conftest import login_with_two_factor


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def loop(db, secretariat_user):
    loop = carried_consultation()
    for comment in (loop.amendment, loop.secret):
        services.comment_dispose(
            comments=[comment],
            user=secretariat_user,
            outcome="accepted",
            response="Done.",
            cited=[(4, 4)],
        )
    services.response_period_set(
        version=loop.v1, closes_at=timezone.now() + timedelta(days=3), user=secretariat_user
    )
    for comment in (loop.amendment, loop.secret):
        services.disposition_answer(
            comment=comment, user=loop.author, answer="objected", reason="Not enough."
        )
    services.disposition_answer(
        comment=loop.amendment, user=representative_of(loop.organisation), answer="accepted"
    )
    return loop


def api(name, number):
    return reverse(f"comments_api:{name}", args=["test-code", number])


def bearer(user):
    _token, raw = make_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_carried_comments_as_the_public_sees_them(client, loop):
    body = client.get(api("carried_comments", 2)).json()
    rows = {row["reference"]: row for row in body["results"]}
    assert set(rows) == {loop.amendment.reference, loop.deleted.reference}
    assert rows[loop.amendment.reference]["outcome"] == "changed"
    assert rows[loop.amendment.reference]["review"] == "pending"
    assert rows[loop.deleted.reference]["outcome"] == "removed"
    assert rows[loop.deleted.reference]["from_version"] == 1


def test_the_review_queue_state_counts_only_what_the_caller_may_see(client, loop, secretariat_user):
    public = client.get(api("carried_summary", 2)).json()
    assert (public["total"], public["changed"], public["removed"], public["pending"]) == (
        2,
        1,
        1,
        1,
    )
    services.carried_confirm(
        carried=CarriedComment.objects.get(comment=loop.amendment), user=secretariat_user
    )
    login_with_two_factor(client, secretariat_user)
    full = client.get(api("carried_summary", 2)).json()
    assert (full["total"], full["kept"], full["confirmed"], full["pending"]) == (3, 1, 1, 0)


def test_dispositions_with_their_cited_lines_and_answers(client, loop):
    body = client.get(api("dispositions", 1)).json()
    assert [row["reference"] for row in body["results"]] == [loop.amendment.reference]
    row = body["results"][0]
    assert row["cited_lines"] == [{"version": 2, "line_start": 4, "line_end": 4}]
    assert (row["addressed_in"], row["accepted"], row["objected"]) == (2, 1, 1)
    author = client.get(api("dispositions", 1), **bearer(loop.author)).json()
    assert {r["reference"] for r in author["results"]} == {
        loop.amendment.reference,
        loop.secret.reference,
    }


def test_objections_for_the_secretariat_and_the_objector_only(client, loop, secretariat_user):
    assert client.get(api("objections", 1)).json()["results"] == []
    stranger = client.get(api("objections", 1), **bearer(make_user())).json()
    assert stranger["results"] == []
    own = client.get(api("objections", 1), **bearer(loop.author)).json()["results"]
    assert {row["reference"] for row in own} == {loop.amendment.reference, loop.secret.reference}
    login_with_two_factor(client, secretariat_user)
    every = client.get(api("objections", 1)).json()["results"]
    assert len(every) == 2 and every[0]["reason"] == "Not enough."
    assert every[0]["organisation"] == loop.organisation.slug


def test_the_endpoints_are_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("carried/", "carried/summary/", "dispositions/", "objections/"):
        assert f"/api/v1/drafts/{{slug}}/versions/{{number}}/{path}" in schema


def test_lists_stay_in_bounded_queries(client, loop, django_assert_max_num_queries):
    for name in ("carried_comments", "dispositions"):
        with django_assert_max_num_queries(8):
            assert client.get(api(name, 2 if name.startswith("carried") else 1)).status_code == 200
