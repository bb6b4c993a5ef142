from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts import permissions

from . import secretariat_selectors


def moderation(request: HttpRequest) -> dict[str, Any]:
    """For those who moderate, the number of reports waiting (``reports_waiting``), which the
    navigation shows beside the link to the moderation queue; one query, theirs only."""
    if not permissions.can_moderate(request.user):
        return {"user_can_moderate": False, "reports_waiting": 0}
    return {
        "user_can_moderate": True,
        "reports_waiting": secretariat_selectors.flags_waiting().reports,
    }


def attachment_limits(request: HttpRequest) -> dict[str, Any]:
    """The limits on position papers, which the comment forms state beside the file input."""
    return {
        "attachment_limits": {
            "count": settings.ATTACHMENT_MAX_PER_COMMENT,
            "size": settings.ATTACHMENT_MAX_BYTES,
        }
    }
