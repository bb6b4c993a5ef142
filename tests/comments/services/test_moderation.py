"""Moderation: flags from readers, and the secretariat hiding and restoring a comment with a
reason, resolving its open flags."""

import pytest

from accounts.models import Membership
from comments import services
from comments.models import Comment, Flag
from tests.accounts.factories import make_user
from tests.comments.factories import submit, working_group_member
from tests.comments.services.helpers import audit, refused

pytestmark = pytest.mark.django_db
Role = Membership.Role
State = Comment.State


# --- flag_create ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_a_flag_needs_a_reason(comment, reason):
    refused(
        lambda: services.flag_create(comment=comment, user=make_user(), reason=reason),
        "Say why the comment should be reviewed.",
        field="reason",
    )
    assert not Flag.objects.exists()


def test_a_user_flags_a_comment_once_while_the_flag_is_open(comment, secretariat_user):
    reader = make_user()
    flag = services.flag_create(comment=comment, user=reader, reason="  Spam.  ")
    assert (flag.comment, flag.flagged_by, flag.reason, flag.resolved_at) == (
        comment,
        reader,
        "Spam.",
        None,
    )
    refused(
        lambda: services.flag_create(comment=comment, user=reader, reason="Again."),
        "You have already flagged this comment.",
    )
    services.flag_create(comment=comment, user=make_user(), reason="Also spam.")
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 2
    services.comment_hide(comment=comment, moderator=secretariat_user, reason="Spam.")
    services.comment_restore(comment=comment, moderator=secretariat_user, reason="Not spam.")
    again = services.flag_create(comment=comment, user=reader, reason="Still spam.")
    assert again.pk != flag.pk
    assert Flag.objects.filter(comment=comment, flagged_by=reader).count() == 2


# --- comment_hide / comment_restore --------------------------------------------------------


def test_the_secretariat_hides_with_a_reason_resolving_open_flags(comment, secretariat_user):
    flags = [
        services.flag_create(comment=comment, user=make_user(), reason="Spam.") for _ in range(2)
    ]
    hidden = services.comment_hide(
        comment=comment, moderator=secretariat_user, reason="  Advertising.  "
    )
    hidden.refresh_from_db()
    assert (hidden.state, hidden.state_reason) == (State.HIDDEN, "Advertising.")
    for flag in flags:
        flag.refresh_from_db()
        assert flag.resolved_at is not None and flag.resolved_by == secretariat_user
    (entry,) = audit("comment.hide")
    assert (entry.actor, entry.target_id, entry.reason) == (
        secretariat_user,
        str(comment.pk),
        "Advertising.",
    )


def test_the_secretariat_restores_a_hidden_comment_with_a_reason(comment, secretariat_user):
    services.comment_hide(comment=comment, moderator=secretariat_user, reason="Advertising.")
    late_flag = services.flag_create(comment=comment, user=make_user(), reason="Spam.")
    restored = services.comment_restore(
        comment=comment, moderator=secretariat_user, reason="The link is the standard."
    )
    restored.refresh_from_db()
    assert (restored.state, restored.state_reason) == (State.PUBLISHED, "The link is the standard.")
    late_flag.refresh_from_db()
    assert late_flag.resolved_by == secretariat_user
    (entry,) = audit("comment.restore")
    assert (entry.actor, entry.reason) == (secretariat_user, "The link is the standard.")


@pytest.mark.parametrize("action", [services.comment_hide, services.comment_restore])
def test_only_the_secretariat_moderates(comment, author, organisation, secretariat_user, action):
    if action is services.comment_restore:
        services.comment_hide(comment=comment, moderator=secretariat_user, reason="Spam.")
    state = Comment.objects.get(pk=comment.pk).state
    admin = organisation.memberships.get(role=Role.ADMIN).user
    for user in (author, admin, make_user(), working_group_member()):
        refused(
            lambda user=user: action(comment=comment, moderator=user, reason="Because."),
            "Only the secretariat moderates comments.",
        )
    assert Comment.objects.get(pk=comment.pk).state == state


@pytest.mark.parametrize("action", [services.comment_hide, services.comment_restore])
@pytest.mark.parametrize("reason", ["", "   "])
def test_moderation_needs_a_reason(comment, secretariat_user, action, reason):
    if action is services.comment_restore:
        services.comment_hide(comment=comment, moderator=secretariat_user, reason="Spam.")
    flag = services.flag_create(comment=comment, user=make_user(), reason="Spam.")
    refused(
        lambda: action(comment=comment, moderator=secretariat_user, reason=reason),
        "Give the reason; the author is told.",
        field="reason",
    )
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_moderation_moves_only_between_published_and_hidden(comment, author, secretariat_user):
    refused(
        lambda: services.comment_restore(comment=comment, moderator=secretariat_user, reason="R"),
        "HAIP-V1-000001 is published.",
    )
    services.comment_hide(comment=comment, moderator=secretariat_user, reason="Spam.")
    refused(
        lambda: services.comment_hide(comment=comment, moderator=secretariat_user, reason="R"),
        "HAIP-V1-000001 is hidden by moderation.",
    )
    withdrawn = services.comment_withdraw(
        comment=submit(version=comment.version, author=author), user=author
    )
    for action in (services.comment_hide, services.comment_restore):
        refused(
            lambda action=action: action(comment=withdrawn, moderator=secretariat_user, reason="R"),
            "HAIP-V1-000002 is withdrawn by its author.",
        )
    assert Comment.objects.get(pk=withdrawn.pk).state == State.WITHDRAWN


# --- flags_dismiss --------------------------------------------------------------------------


def test_dismissing_closes_the_open_reports_and_leaves_the_comment(comment, secretariat_user):
    flags = [
        services.flag_create(comment=comment, user=make_user(), reason="Spam.") for _ in range(2)
    ]
    closed = services.flags_dismiss(
        comment=comment, moderator=secretariat_user, reason="  A fair criticism, not spam.  "
    )
    assert closed == 2
    assert Comment.objects.get(pk=comment.pk).state == State.PUBLISHED
    for flag in flags:
        flag.refresh_from_db()
        assert flag.resolved_at is not None and flag.resolved_by == secretariat_user
    (entry,) = audit("comment.flags_dismiss")
    assert (entry.actor, entry.target_id, entry.reason, entry.data) == (
        secretariat_user,
        str(comment.pk),
        "A fair criticism, not spam.",
        {"reports": 2},
    )


def test_dismissing_needs_an_open_report(comment, secretariat_user):
    refused(
        lambda: services.flags_dismiss(comment=comment, moderator=secretariat_user, reason="R"),
        "HAIP-V1-000001 has no open report.",
    )
    assert not audit("comment.flags_dismiss")


@pytest.mark.parametrize("reason", ["", "   "])
def test_dismissing_needs_a_reason(comment, secretariat_user, reason):
    flag = services.flag_create(comment=comment, user=make_user(), reason="Spam.")
    refused(
        lambda: services.flags_dismiss(comment=comment, moderator=secretariat_user, reason=reason),
        "Give the reason for dismissing the report.",
        field="reason",
    )
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_only_the_secretariat_dismisses_reports(comment, author, organisation):
    flag = services.flag_create(comment=comment, user=make_user(), reason="Spam.")
    admin = organisation.memberships.get(role=Role.ADMIN).user
    for user in (author, admin, make_user(), working_group_member()):
        refused(
            lambda user=user: services.flags_dismiss(comment=comment, moderator=user, reason="R"),
            "Only the secretariat moderates comments.",
        )
    flag.refresh_from_db()
    assert flag.resolved_at is None
