"""Replies, threaded under a comment and under each other, and endorsements by other
organisations: who may add them, and to which comments."""

import pytest

from comments import services
from comments.models import Endorsement, Reply
from comments.services import MAX_REPLY_LENGTH
from haip_portal.exceptions import NotFound
from tests.accounts.factories import make_organisation, make_user
from tests.comments.factories import (
    member_of,
    representative_of,
    submit,
    verified_organisation,
    working_group_member,
)
from tests.comments.services.helpers import refused

pytestmark = pytest.mark.django_db


# --- reply_create --------------------------------------------------------------------------


def test_replies_thread_under_a_comment_and_under_each_other(comment, author):
    reader = make_user()
    top = services.reply_create(comment=comment, author=reader, body="  Why line 4?  ")
    answer = services.reply_create(
        comment=comment, author=author, body="Because.", parent_id=top.pk
    )
    assert (top.comment, top.parent, top.author, top.body) == (comment, None, reader, "Why line 4?")
    assert (answer.comment, answer.parent) == (comment, top)
    assert list(top.children.all()) == [answer]
    assert list(comment.replies.order_by("pk")) == [top, answer]


def test_a_parent_from_another_comment_is_not_found_as_a_missing_one(version, comment, author):
    other = submit(version=version, author=author)
    elsewhere = services.reply_create(comment=other, author=author, body="Elsewhere.")
    replies = Reply.objects.count()
    for parent_id in (elsewhere.pk, elsewhere.pk + 1000):
        error = refused(
            lambda parent_id=parent_id: services.reply_create(
                comment=comment, author=author, body="Misplaced.", parent_id=parent_id
            ),
            "No such reply.",
        )
        assert isinstance(error, NotFound)
    assert Reply.objects.count() == replies


@pytest.mark.parametrize("body", ["", "   ", "x" * (MAX_REPLY_LENGTH + 1)])
def test_a_reply_needs_some_text_within_the_limit(comment, body):
    refused(
        lambda: services.reply_create(comment=comment, author=make_user(), body=body),
        "A reply needs 1 to 10,000 characters.",
        field="body",
    )
    assert not Reply.objects.exists()


def test_one_cannot_reply_to_a_confidential_comment_of_another_organisation(
    version, author, organisation, secretariat_user
):
    confidential = submit(
        version=version, author=author, organisation=organisation, visibility="confidential"
    )
    outsider = representative_of(verified_organisation())
    refused(
        lambda: services.reply_create(comment=confidential, author=outsider, body="Hm."),
        "No such comment.",
    )
    assert not Reply.objects.exists()
    colleague = member_of(organisation)
    for reader in (colleague, secretariat_user, working_group_member()):
        services.reply_create(comment=confidential, author=reader, body="Seen.")
    assert Reply.objects.count() == 3


def test_a_hidden_or_withdrawn_comment_takes_no_replies(
    version, author, organisation, secretariat_user
):
    hidden = submit(version=version, author=author, organisation=organisation)
    services.comment_hide(comment=hidden, moderator=secretariat_user, reason="Spam.")
    hidden.refresh_from_db()
    outsider = make_user()
    refused(
        lambda: services.reply_create(comment=hidden, author=outsider, body="Hm."),
        "No such comment.",
    )
    refused(
        lambda: services.reply_create(comment=hidden, author=secretariat_user, body="Hm."),
        "HAIP-V1-000001 takes no replies.",
    )
    withdrawn = services.comment_withdraw(
        comment=submit(version=version, author=author, organisation=organisation), user=author
    )
    refused(
        lambda: services.reply_create(comment=withdrawn, author=author, body="Hm."),
        "HAIP-V1-000002 takes no replies.",
    )
    assert not Reply.objects.exists()


# --- endorsement_create --------------------------------------------------------------------


def test_a_representative_of_another_verified_organisation_endorses(comment):
    other = verified_organisation(name="Other Org")
    representative = representative_of(other)
    endorsement = services.endorsement_create(
        comment=comment, user=representative, organisation=other
    )
    assert (endorsement.comment, endorsement.organisation, endorsement.endorsed_by) == (
        comment,
        other,
        representative,
    )


def test_an_organisation_does_not_endorse_its_own_comment(comment, organisation):
    colleague = representative_of(organisation)
    refused(
        lambda: services.endorsement_create(
            comment=comment, user=colleague, organisation=organisation
        ),
        "Kumo AI filed this comment already.",
    )
    assert not Endorsement.objects.exists()


def test_an_organisation_endorses_a_comment_only_once(comment):
    other = verified_organisation(name="Other Org")
    first, second = representative_of(other), representative_of(other)
    services.endorsement_create(comment=comment, user=first, organisation=other)
    refused(
        lambda: services.endorsement_create(comment=comment, user=second, organisation=other),
        "Other Org has already endorsed HAIP-V1-000001.",
    )
    assert Endorsement.objects.count() == 1


def test_confidential_hidden_and_withdrawn_comments_cannot_be_endorsed(
    version, author, organisation, secretariat_user
):
    other = verified_organisation(name="Other Org")
    representative = representative_of(other)
    confidential = submit(
        version=version, author=author, organisation=organisation, visibility="confidential"
    )
    hidden = services.comment_hide(
        comment=submit(version=version, author=author, organisation=organisation),
        moderator=secretariat_user,
        reason="Spam.",
    )
    withdrawn = services.comment_withdraw(
        comment=submit(version=version, author=author, organisation=organisation), user=author
    )
    for target in (confidential, hidden, withdrawn):
        refused(
            lambda target=target: services.endorsement_create(
                comment=target, user=representative, organisation=other
            ),
            "Only published public comments can be endorsed.",
        )
    assert not Endorsement.objects.exists()


def test_only_a_representative_of_a_verified_organisation_endorses(comment):
    other = verified_organisation(name="Other Org")
    member = member_of(other)
    refused(
        lambda: services.endorsement_create(comment=comment, user=member, organisation=other),
        "You do not represent Other Org;",
        field="organisation",
    )
    admin = make_user()
    pending = make_organisation(admin=admin, name="Pending Labs")
    refused(
        lambda: services.endorsement_create(comment=comment, user=admin, organisation=pending),
        "Pending Labs",
        field="organisation",
    )
    assert not Endorsement.objects.exists()
