"""Dispositions: the secretariat's answer to one comment or to a selection, each recorded
in the audit trail, its author told after commit."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts import services as account_services
from accounts.models import User
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError
from haip_portal.queueing import enqueue_on_commit
from haip_portal.text import check_text

from .. import tasks
from ..models import Comment, Disposition


@transaction.atomic
def comment_dispose(
    *,
    comments: Iterable[Comment],
    user: User,
    outcome: str,
    response: str,
    addressed_in: DraftVersion | None = None,
) -> list[Disposition]:
    """Answer one or many comments with the same outcome and response."""
    if not permissions.can_dispose(user):
        raise ApplicationError("Only the secretariat disposes comments.")
    if outcome not in Disposition.Outcome.values:
        raise ApplicationError(f"Unknown outcome '{outcome}'.", field="outcome")
    check_text(response, field="response")
    response = response.strip()
    if not response:
        raise ApplicationError("Write the response the commenters will read.", field="response")
    now = timezone.now()
    dispositions = []
    for comment in comments:
        disposition, _ = Disposition.objects.update_or_create(
            comment=comment,
            defaults={
                "outcome": outcome,
                "response": response,
                "decided_by": user,
                "decided_at": now,
                "addressed_in": addressed_in,
            },
        )
        account_services.audit_record(
            actor=user, action="comment.dispose", target=comment, data={"outcome": outcome}
        )
        dispositions.append(disposition)
    if not dispositions:
        raise ApplicationError("Choose at least one comment.", field="comments")
    for disposition in dispositions:
        enqueue_on_commit(tasks.send_disposition_notice, disposition.comment_id)
    return dispositions
