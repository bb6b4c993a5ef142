"""What others add under a comment: replies, threaded, and endorsements by other
organisations."""

from dataclasses import replace

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Organisation, User
from haip_portal.exceptions import ApplicationError, NotAllowed, NotFound
from haip_portal.queueing import enqueue_on_commit
from haip_portal.text import check_text

from .. import tasks
from ..inputs import MAX_REPLY_LENGTH
from ..models import Comment, Endorsement, Reply
from . import rules
from .counts import Standing, comment_counts_change


@transaction.atomic
def reply_create(
    *,
    comment: Comment,
    author: User,
    body: str,
    parent_id: int | None = None,
    organisation: Organisation | None = None,
) -> Reply:
    """Add a reply under a comment the author may see, or under one of its replies
    (``parent_id``); the comment's author is told after commit. A parent that is not a reply
    to this comment is not found (404), as a comment the author may not see. Given an
    ``organisation`` the author represents, the reply is shown under its name."""
    parent = None
    if parent_id is not None:
        parent = Reply.objects.filter(pk=parent_id, comment=comment).first()
        if parent is None:
            raise NotFound(_("No such reply."))
    if not permissions.can_see_comment(author, comment):
        raise NotFound(_("No such comment."))
    if comment.state != Comment.State.PUBLISHED:
        raise ApplicationError(
            _("%(reference)s takes no replies.") % {"reference": comment.reference}
        )
    check_text(body, field="body")
    body = body.strip()
    if not body or len(body) > MAX_REPLY_LENGTH:
        raise ApplicationError(
            _("A reply needs 1 to %(max)s characters.") % {"max": f"{MAX_REPLY_LENGTH:,}"},
            field="body",
        )
    if organisation is not None:
        rules.check_may_file_for(author, organisation)
    reply = Reply.objects.create(
        comment=comment, parent=parent, author=author, organisation=organisation, body=body
    )
    if comment.author_id != author.pk:
        enqueue_on_commit(tasks.send_reply_notice, reply.pk)
    return reply


@transaction.atomic
def endorsement_create(*, comment: Comment, user: User, organisation: Organisation) -> Endorsement:
    """An organisation co-signs a public comment of another organisation."""
    rules.check_may_file_for(user, Organisation.objects.filter(pk=organisation.pk).first())
    comment = Comment.objects.select_for_update().get(pk=comment.pk)  # its counts move
    if comment.is_confidential or comment.state != Comment.State.PUBLISHED:
        raise ApplicationError(_("Only published public comments can be endorsed."))
    if comment.organisation_id == organisation.pk:
        raise ApplicationError(
            _("%(organisation)s filed this comment already.") % {"organisation": organisation.name}
        )
    endorsement, created = Endorsement.objects.get_or_create(
        comment=comment, organisation=organisation, defaults={"endorsed_by": user}
    )
    if not created:
        raise ApplicationError(
            _("%(organisation)s has already endorsed %(reference)s.")
            % {"organisation": organisation.name, "reference": comment.reference}
        )
    _count_endorsement(comment, 1)
    return endorsement


@transaction.atomic
def endorsement_withdraw(*, comment: Comment, user: User, organisation: Organisation) -> None:
    """A representative of ``organisation`` takes its endorsement of ``comment`` back."""
    if not permissions.can_file_for(user, organisation):
        raise NotAllowed(
            _("You do not represent %(organisation)s.") % {"organisation": organisation.name}
        )
    comment = Comment.objects.select_for_update().get(pk=comment.pk)  # its counts move
    deleted, _by = Endorsement.objects.filter(comment=comment, organisation=organisation).delete()
    if not deleted:
        raise ApplicationError(
            _("%(organisation)s does not endorse %(reference)s.")
            % {"organisation": organisation.name, "reference": comment.reference}
        )
    _count_endorsement(comment, -1)


def _count_endorsement(comment: Comment, change: int) -> None:
    """One endorsement more (1) or fewer (-1) on the comment's line, as the comment stands."""
    standing = Standing.of(comment, read=False)
    endorsed = replace(standing, endorsements=1)
    comment_counts_change([(standing, endorsed) if change > 0 else (endorsed, standing)])
