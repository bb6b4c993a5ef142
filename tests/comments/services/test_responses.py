"""Commenters answer the answer: accepting or objecting to a disposition before the deadline
the secretariat sets, who may answer, the audit trail, and the counts of objections."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import answer_selectors, services
from comments.models import DispositionResponse
from haip_portal.exceptions import ApplicationError, NotAllowed
from tests.accounts.factories import make_user
from tests.comments.answer_loop import carried_consultation
from tests.comments.factories import member_of, representative_of
from tests.comments.services.helpers import audit


@pytest.fixture
def loop(db, secretariat_user):
    loop = carried_consultation()
    services.comment_dispose(
        comments=[loop.amendment, loop.deleted],
        user=secretariat_user,
        outcome="partially_accepted",
        response="Made public; the review stays yearly.",
    )
    return loop


@pytest.fixture
def deadline(loop, secretariat_user):
    closes_at = timezone.now() + timedelta(days=14)
    services.response_period_set(version=loop.v1, closes_at=closes_at, user=secretariat_user)
    return closes_at


def test_the_author_objects_with_a_reason_before_the_deadline(loop, deadline):
    response = services.disposition_answer(
        comment=loop.amendment, user=loop.author, answer="objected", reason="Review it yearly?"
    )
    assert (response.answer, response.reason, response.organisation) == (
        "objected",
        "Review it yearly?",
        loop.organisation,
    )
    entry = audit("disposition.objected")[-1]
    assert (entry.actor, entry.target_id, entry.reason) == (
        loop.author,
        str(loop.amendment.pk),
        "Review it yearly?",
    )
    assert entry.data == {"answer": "objected", "outcome": "partially_accepted"}


def test_answering_again_before_the_deadline_replaces_the_answer(loop, deadline):
    services.disposition_answer(
        comment=loop.amendment, user=loop.author, answer="objected", reason="No."
    )
    services.disposition_answer(comment=loop.amendment, user=loop.author, answer="accepted")
    assert list(DispositionResponse.objects.values_list("answer", flat=True)) == ["accepted"]
    assert len(audit("disposition.objected")) == len(audit("disposition.accepted")) == 1


def test_after_the_deadline_an_answer_is_refused_with_the_date(loop, deadline):
    later = deadline + timedelta(seconds=1)
    with pytest.raises(ApplicationError, match="closed on") as caught:
        services.disposition_answer(
            comment=loop.amendment, user=loop.author, answer="accepted", now=later
        )
    assert caught.value.code == "responses_closed"
    assert not DispositionResponse.objects.exists()
    assert not audit("disposition.accepted")


def test_just_before_the_deadline_an_answer_is_taken(loop, deadline):
    just_before = deadline - timedelta(seconds=1)
    services.disposition_answer(
        comment=loop.amendment, user=loop.author, answer="accepted", now=just_before
    )
    assert DispositionResponse.objects.count() == 1


def test_no_answer_before_the_secretariat_sets_a_deadline(loop):
    with pytest.raises(ApplicationError, match="not yet opened responses") as caught:
        services.disposition_answer(comment=loop.amendment, user=loop.author, answer="accepted")
    assert caught.value.code == "responses_not_open"


def test_an_objection_needs_a_reason(loop, deadline):
    with pytest.raises(ApplicationError, match="Say why you object") as caught:
        services.disposition_answer(
            comment=loop.amendment, user=loop.author, answer="objected", reason="  "
        )
    assert caught.value.field == "reason"


def test_the_organisations_representative_may_answer(loop, deadline):
    colleague = representative_of(loop.organisation)
    services.disposition_answer(
        comment=loop.amendment, user=colleague, answer="objected", reason="We disagree."
    )
    assert DispositionResponse.objects.get().user == colleague


@pytest.mark.parametrize("who", ["stranger", "plain member", "secretariat"])
def test_nobody_else_may_answer(loop, deadline, secretariat_user, who):
    user = {
        "stranger": make_user(),
        "plain member": member_of(loop.organisation),
        "secretariat": secretariat_user,
    }[who]
    with pytest.raises(NotAllowed):
        services.disposition_answer(comment=loop.amendment, user=user, answer="accepted")
    assert not DispositionResponse.objects.exists()


def test_a_comment_without_disposition_cannot_be_answered(loop, deadline):
    with pytest.raises(ApplicationError, match="not answered this comment"):
        services.disposition_answer(comment=loop.secret, user=loop.author, answer="accepted")


def test_only_the_secretariat_sets_the_deadline_and_it_is_audited(loop, secretariat_user):
    with pytest.raises(NotAllowed):
        services.response_period_set(
            version=loop.v1, closes_at=timezone.now() + timedelta(days=1), user=loop.author
        )
    with pytest.raises(ApplicationError, match="in the future"):
        services.response_period_set(
            version=loop.v1, closes_at=timezone.now(), user=secretariat_user
        )
    services.response_period_set(
        version=loop.v1, closes_at=timezone.now() + timedelta(days=1), user=secretariat_user
    )
    assert audit("responses.deadline")[-1].target_id == str(loop.v1.pk)


def test_objections_are_counted_per_version(loop, deadline):
    colleague = representative_of(loop.organisation)
    for user in (loop.author, colleague):
        services.disposition_answer(
            comment=loop.amendment, user=user, answer="objected", reason="Not enough."
        )
    services.disposition_answer(comment=loop.deleted, user=loop.author, answer="accepted")
    assert answer_selectors.objection_count(loop.v1) == 2
    assert answer_selectors.objection_count(loop.v2) == 0
    assert answer_selectors.objection_counts_by_version() == {loop.v1.pk: 2}
    counts = answer_selectors.answer_counts_by_comment([loop.amendment.pk, loop.deleted.pk])
    assert counts == {loop.amendment.pk: (0, 2), loop.deleted.pk: (1, 0)}
