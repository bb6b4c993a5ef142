"""What an author does to a comment after filing it: edit it while the period runs (the
earlier text is kept as a revision), or withdraw it (it stays in the record)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import User
from haip_portal.exceptions import ApplicationError
from haip_portal.wording import in_sentence

from ..anchoring import content_hash
from ..inputs import CommentInput
from ..models import Comment, CommentRevision
from . import rules
from .counts import Standing, comment_counts_change
from .hooks import comment_text_stored


@transaction.atomic
def comment_edit(
    *,
    comment: Comment,
    user: User,
    body: str,
    proposed_text: str,
    kind: str,
    stance: str,
    language: str = "",
    now: datetime | None = None,
) -> Comment:
    """Change a comment while its version's period runs; the previous text is kept. A
    ``language`` corrects the one recorded (detected at filing); empty keeps it."""
    comment = Comment.objects.select_for_update().select_related("version").get(pk=comment.pk)
    rules.refuse_unless_author(comment, user, "edit")
    if comment.state != Comment.State.PUBLISHED:
        raise ApplicationError(
            _("%(reference)s is %(state)s.")
            % {"reference": comment.reference, "state": in_sentence(comment.get_state_display())}
        )
    rules.refuse_unless_open(comment.version, now or timezone.now())
    data = CommentInput(
        line_start=comment.line_start,
        line_end=comment.line_end,
        body=body,
        proposed_text=proposed_text,
        kind=kind,
        stance=stance,
        visibility=comment.visibility,
        language=language,
    )
    new_body, new_proposed = rules.check_comment_text(data)
    CommentRevision.objects.create(
        comment=comment,
        kind=comment.kind,
        stance=comment.stance,
        body=comment.body,
        proposed_text=comment.proposed_text,
        replaced_by=user,
    )
    comment.body, comment.proposed_text = new_body, new_proposed
    comment.kind, comment.stance = kind, stance
    comment.language = language or comment.language
    comment.content_hash = content_hash(new_body, new_proposed)
    comment.edited_at = now or timezone.now()
    comment.save()
    comment_text_stored([comment.pk])
    return comment


@transaction.atomic
def comment_withdraw(*, comment: Comment, user: User) -> Comment:
    """The author takes a comment back; it stays in the record as withdrawn."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    rules.refuse_unless_author(comment, user, "withdraw")
    if comment.state == Comment.State.WITHDRAWN:
        return comment
    before = Standing.of(comment)
    comment.state = Comment.State.WITHDRAWN
    comment.save(update_fields=["state", "updated_at"])
    comment_counts_change([(before, before.with_state(Comment.State.WITHDRAWN))])
    account_services.audit_record(actor=user, action="comment.withdraw", target=comment)
    return comment
