"""Moderation: anyone who sees a comment may flag it; the secretariat hides it or restores
it, with a reason its author is told, or dismisses the reports and leaves it as it is; each
decision resolves the comment's open flags and is written to the audit trail."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts import services as account_services
from accounts.models import User
from haip_portal.exceptions import ApplicationError, NotFound
from haip_portal.queueing import enqueue_on_commit
from haip_portal.text import check_text
from haip_portal.wording import in_sentence

from .. import tasks
from ..models import Comment, Flag
from .counts import Standing, comment_counts_change


@transaction.atomic
def flag_create(*, comment: Comment, user: User, reason: str) -> Flag:
    """Ask the secretariat to review a comment."""
    if not permissions.can_see_comment(user, comment):
        raise NotFound(_("No such comment."))
    check_text(reason, field="reason")
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why the comment should be reviewed."), field="reason")
    if Flag.objects.filter(comment=comment, flagged_by=user, resolved_at__isnull=True).exists():
        raise ApplicationError(_("You have already flagged this comment."))
    return Flag.objects.create(comment=comment, flagged_by=user, reason=reason[:2000])


def _checked_reason(*, moderator: User, reason: str, missing: str) -> str:
    if not permissions.can_moderate(moderator):
        raise ApplicationError(_("Only the secretariat moderates comments."))
    check_text(reason, field="reason")
    reason = reason.strip()
    if not reason:
        raise ApplicationError(missing, field="reason")
    return reason


def _moderate(
    *, comment: Comment, moderator: User, reason: str, to_state: str, action: str
) -> Comment:
    reason = _checked_reason(
        moderator=moderator, reason=reason, missing="Give the reason; the author is told."
    )
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    allowed_from = (
        Comment.State.PUBLISHED if to_state == Comment.State.HIDDEN else Comment.State.HIDDEN
    )
    if comment.state != allowed_from:
        raise ApplicationError(
            _("%(reference)s is %(state)s.")
            % {"reference": comment.reference, "state": in_sentence(comment.get_state_display())}
        )
    before = Standing.of(comment)
    comment.state = to_state
    comment.state_reason = reason
    comment.save(update_fields=["state", "state_reason", "updated_at"])
    comment_counts_change([(before, before.with_state(to_state))])
    Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )
    account_services.audit_record(actor=moderator, action=action, target=comment, reason=reason)
    enqueue_on_commit(tasks.send_moderation_notice, comment.pk, action)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, moderator: User, reason: str) -> Comment:
    return _moderate(
        comment=comment,
        moderator=moderator,
        reason=reason,
        to_state=Comment.State.HIDDEN,
        action="comment.hide",
    )


@transaction.atomic
def comment_restore(*, comment: Comment, moderator: User, reason: str) -> Comment:
    return _moderate(
        comment=comment,
        moderator=moderator,
        reason=reason,
        to_state=Comment.State.PUBLISHED,
        action="comment.restore",
    )


@transaction.atomic
def flags_dismiss(*, comment: Comment, moderator: User, reason: str) -> int:
    """Close the open reports on a comment that stays as it is, with the reason recorded in
    the audit trail; answers how many reports were closed."""
    reason = _checked_reason(
        moderator=moderator, reason=reason, missing="Give the reason for dismissing the report."
    )
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    closed = Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )
    if not closed:
        raise ApplicationError(
            _("%(reference)s has no open report.") % {"reference": comment.reference}
        )
    account_services.audit_record(
        actor=moderator,
        action="comment.flags_dismiss",
        target=comment,
        reason=reason,
        data={"reports": closed},
    )
    return closed
