"""Dispositions: the secretariat answers one comment or a selection, once per comment, each
decision in the audit trail."""

import pytest
from django.utils import timezone

from accounts.models import Membership
from comments import services
from comments.models import Comment, Disposition
from tests.accounts.factories import make_user
from tests.comments.factories import submit, working_group_member
from tests.comments.services.helpers import audit, refused

pytestmark = pytest.mark.django_db
Role = Membership.Role
Outcome = Disposition.Outcome


# --- comment_dispose -----------------------------------------------------------------------


def test_the_secretariat_disposes_one_comment(comment, version, secretariat_user):
    before = timezone.now()
    (disposition,) = services.comment_dispose(
        comments=[comment],
        user=secretariat_user,
        outcome=Outcome.PARTIALLY_ACCEPTED,
        response="  Reworded in v2.  ",
        addressed_in=version,
    )
    disposition = Disposition.objects.get(comment=comment)
    assert (disposition.outcome, disposition.response, disposition.decided_by) == (
        "partially_accepted",
        "Reworded in v2.",
        secretariat_user,
    )
    assert disposition.addressed_in == version
    assert disposition.decided_at >= before
    (entry,) = audit("comment.dispose")
    assert (entry.actor, entry.target_id, entry.data) == (
        secretariat_user,
        str(comment.pk),
        {"outcome": "partially_accepted"},
    )


def test_the_secretariat_disposes_several_comments_at_once(version, author, secretariat_user):
    chosen = [submit(version=version, author=author) for _ in range(3)]
    untouched = submit(version=version, author=author)
    dispositions = services.comment_dispose(
        comments=Comment.objects.filter(pk__in=[c.pk for c in chosen]),
        user=secretariat_user,
        outcome=Outcome.NOTED,
        response="Noted for the next revision.",
    )
    assert {d.comment_id for d in dispositions} == {c.pk for c in chosen}
    assert Disposition.objects.count() == 3
    assert not Disposition.objects.filter(comment=untouched).exists()
    assert set(Disposition.objects.values_list("outcome", "response")) == {
        ("noted", "Noted for the next revision.")
    }
    assert sorted(e.target_id for e in audit("comment.dispose")) == sorted(
        str(c.pk) for c in chosen
    )


def test_disposing_again_updates_the_one_disposition(comment, secretariat_user):
    services.comment_dispose(
        comments=[comment], user=secretariat_user, outcome="rejected", response="Out of scope."
    )
    services.comment_dispose(
        comments=[comment], user=secretariat_user, outcome="accepted", response="On reflection."
    )
    disposition = Disposition.objects.get()
    assert (disposition.comment, disposition.outcome, disposition.response) == (
        comment,
        "accepted",
        "On reflection.",
    )
    assert [e.data["outcome"] for e in audit("comment.dispose")] == ["rejected", "accepted"]


def test_only_the_secretariat_disposes(comment, author, organisation):
    admin = organisation.memberships.get(role=Role.ADMIN).user
    for user in (author, admin, working_group_member(), make_user()):
        refused(
            lambda user=user: services.comment_dispose(
                comments=[comment], user=user, outcome="accepted", response="Yes."
            ),
            "Only the secretariat disposes comments.",
        )
    assert not Disposition.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message", "field"),
    [
        ({"outcome": "maybe"}, "Unknown outcome 'maybe'.", "outcome"),
        ({"outcome": ""}, "Unknown outcome ''.", "outcome"),
        ({"response": ""}, "Write the response the commenters will read.", "response"),
        ({"response": " \n "}, "Write the response the commenters will read.", "response"),
        ({"comments": []}, "Choose at least one comment.", "comments"),
    ],
)
def test_a_disposition_needs_an_outcome_a_response_and_comments(
    comment, secretariat_user, arguments, message, field
):
    call = {"comments": [comment], "outcome": "accepted", "response": "Done.", **arguments}
    refused(lambda: services.comment_dispose(user=secretariat_user, **call), message, field=field)
    assert not Disposition.objects.exists()
