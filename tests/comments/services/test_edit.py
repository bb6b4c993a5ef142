"""What an author does after filing: edit while the period runs (each earlier text kept as a
revision) and withdraw (the comment stays in the record, with an audit entry)."""

import pytest

from accounts.models import User
from comments import services
from comments.anchoring import content_hash
from comments.models import Comment, CommentRevision
from comments.services import MAX_BODY_LENGTH
from drafts import services as draft_services
from tests.accounts.factories import make_user
from tests.comments.factories import representative_of, submit
from tests.comments.services.helpers import audit, refused

pytestmark = pytest.mark.django_db
State = Comment.State


# --- comment_edit --------------------------------------------------------------------------


def _edit(comment: Comment, user: User, **changes) -> Comment:
    fields = {
        "body": "A clearer point.",
        "proposed_text": "",
        "kind": Comment.Kind.EDITORIAL,
        "stance": Comment.Stance.OPPOSE,
        **changes,
    }
    return services.comment_edit(comment=comment, user=user, **fields)


def test_each_edit_keeps_a_revision_with_the_text_it_replaced(comment, author):
    original = (comment.body, comment.proposed_text, comment.kind, comment.stance)
    _edit(comment, author, body="Second text.", proposed_text="Proposal 2.")
    edited = _edit(comment, author, body="  Third text.  ", kind="technical", stance="")
    edited.refresh_from_db()
    assert (edited.body, edited.proposed_text, edited.kind, edited.stance) == (
        "Third text.",
        "",
        "technical",
        "",
    )
    assert edited.edited_at is not None
    assert edited.content_hash == content_hash("Third text.", "")
    revisions = list(CommentRevision.objects.filter(comment=comment).order_by("pk"))
    assert [(r.body, r.proposed_text, r.kind, r.stance) for r in revisions] == [
        original,
        ("Second text.", "Proposal 2.", "editorial", "oppose"),
    ]
    assert {r.replaced_by for r in revisions} == {author}
    assert (edited.reference, edited.number, edited.line_start) == ("HAIP-V1-000001", 1, 4)


def _unchanged(comment: Comment) -> None:
    fresh = Comment.objects.get(pk=comment.pk)
    assert (fresh.body, fresh.edited_at) == (comment.body, None)
    assert not CommentRevision.objects.filter(comment=comment).exists()


def test_only_the_author_may_edit(comment, organisation, secretariat_user):
    colleague = representative_of(organisation)
    for user in (colleague, secretariat_user, make_user()):
        refused(lambda user=user: _edit(comment, user), "Only the comment's author can edit it.")
    _unchanged(comment)


def test_no_edit_after_the_period_closes(comment, author, version):
    refused(
        lambda: services.comment_edit(
            comment=comment,
            user=author,
            body="Late.",
            proposed_text="",
            kind="general",
            stance="",
            now=version.closes_at,
        ),
        "The comment period of Test code v1 has closed.",
    )
    draft_services.version_close(version=version)
    refused(lambda: _edit(comment, author), "Test code v1 is closed: it takes no comments.")
    _unchanged(comment)


def test_no_edit_of_a_withdrawn_or_hidden_comment(comment, author, secretariat_user):
    services.comment_withdraw(comment=comment, user=author)
    refused(lambda: _edit(comment, author), "HAIP-V1-000001 is withdrawn by its author.")
    hidden = submit(version=comment.version, author=author)
    services.comment_hide(comment=hidden, moderator=secretariat_user, reason="Off topic.")
    refused(lambda: _edit(hidden, author), "HAIP-V1-000002 is hidden by moderation.")
    _unchanged(comment)
    _unchanged(hidden)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body": "   "}, "The comment is empty."),
        ({"body": "x" * (MAX_BODY_LENGTH + 1)}, "The comment is 20,001 characters"),
        ({"kind": "rant"}, "Unknown kind 'rant'."),
        ({"stance": "meh"}, "Unknown stance 'meh'."),
    ],
)
def test_an_edit_with_bad_text_is_refused_and_keeps_no_revision(comment, author, changes, message):
    refused(lambda: _edit(comment, author, **changes), message)
    _unchanged(comment)


# --- comment_withdraw ----------------------------------------------------------------------


def test_the_author_withdraws_once_with_an_audit_entry(comment, author):
    withdrawn = services.comment_withdraw(comment=comment, user=author)
    assert withdrawn.state == State.WITHDRAWN
    assert Comment.objects.get(pk=comment.pk).state == State.WITHDRAWN
    again = services.comment_withdraw(comment=comment, user=author)  # idempotent
    assert again.state == State.WITHDRAWN
    (entry,) = audit("comment.withdraw")
    assert (entry.actor, entry.target_type, entry.target_id, entry.target_label) == (
        author,
        "comments.comment",
        str(comment.pk),
        "HAIP-V1-000001",
    )
    assert Comment.objects.count() == 1  # withdrawn, never deleted


def test_only_the_author_may_withdraw(comment, organisation, secretariat_user):
    for user in (representative_of(organisation), secretariat_user):
        refused(
            lambda user=user: services.comment_withdraw(comment=comment, user=user),
            "Only the comment's author can withdraw it.",
        )
    assert Comment.objects.get(pk=comment.pk).state == State.PUBLISHED
