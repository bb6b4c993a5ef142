"""The audit trail every decision writes to, in the decision's own transaction."""

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from haip_portal.exceptions import ApplicationError

from ..models import AuditEntry, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail; call it inside the transaction of the decision."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        reason=reason,
        data=data or {},
    )


def required_reason(reason: str) -> str:
    """The reason given for a refusal, trimmed; refused when empty."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give a reason; it is shown to the people concerned."), field="reason"
        )
    return reason
