"""Commenters answer the answer: the deadline the secretariat sets for responses to the
dispositions of a version, and each commenter's acceptance or objection, every one recorded
in the audit trail."""

from datetime import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts import services as account_services
from accounts.models import User
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError, NotAllowed
from haip_portal.text import check_text

from ..models import Comment, Disposition, DispositionResponse, ResponsePeriod

Answer = DispositionResponse.Answer


@transaction.atomic
def response_period_set(
    *, version: DraftVersion, closes_at: datetime, user: User, now: datetime | None = None
) -> ResponsePeriod:
    """Set (or move) until when the commenters on ``version`` may answer its dispositions."""
    if not permissions.can_dispose(user):
        raise NotAllowed(_("Only the secretariat sets the deadline for responses."))
    if closes_at <= (now or timezone.now()):
        raise ApplicationError(_("Choose a deadline in the future."), field="closes_at")
    period, _created = ResponsePeriod.objects.update_or_create(
        version=version, defaults={"closes_at": closes_at, "set_by": user}
    )
    account_services.audit_record(
        actor=user,
        action="responses.deadline",
        target=version,
        data={"closes_at": closes_at.isoformat()},
    )
    return period


def _open_period(comment: Comment, now: datetime) -> None:
    """Refuse unless the secretariat's deadline for answers on the comment's version is
    set and not passed."""
    period = ResponsePeriod.objects.filter(version_id=comment.version_id).first()
    label = comment.version.label
    if period is None:
        raise ApplicationError(
            _("The secretariat has not yet opened responses to the answers on %(version)s.")
            % {"version": label},
            code="responses_not_open",
        )
    if now >= period.closes_at:
        when = formats.date_format(period.closes_at, "DATETIME_FORMAT")
        raise ApplicationError(
            _("Responses to the answers on %(version)s closed on %(when)s UTC.")
            % {"version": label, "when": when},
            code="responses_closed",
        )


@transaction.atomic
def disposition_answer(
    *,
    comment: Comment,
    user: User,
    answer: str,
    reason: str = "",
    now: datetime | None = None,
) -> DispositionResponse:
    """``user`` accepts the disposition of ``comment`` or objects to it with a reason, before
    the deadline; answering again before it replaces their answer."""
    if not permissions.can_answer_disposition(user, comment):
        raise NotAllowed(
            _("Only the comment's author or its organisation's representative may answer.")
        )
    disposition = Disposition.objects.select_for_update().filter(comment=comment).first()
    if disposition is None:
        raise ApplicationError(_("The secretariat has not answered this comment yet."))
    _open_period(comment, now or timezone.now())
    if answer not in Answer.values:
        raise ApplicationError(_("Accept the answer or object to it."), field="answer")
    check_text(reason, field="reason")
    reason = reason.strip()
    if answer == Answer.OBJECTED and not reason:
        raise ApplicationError(
            _("Say why you object: the secretariat reads your reason."), field="reason"
        )
    response, _created = DispositionResponse.objects.update_or_create(
        disposition=disposition,
        user=user,
        defaults={"answer": answer, "reason": reason, "organisation": comment.organisation},
    )
    account_services.audit_record(
        actor=user,
        action=f"disposition.{answer}",
        target=comment,
        reason=reason,
        data={"answer": answer, "outcome": disposition.outcome},
    )
    return response
