"""What the comment service tests check with: filing with a chosen clock, and a refusal that
names its problem and leaves everything as it was."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from accounts.models import AuditEntry, Organisation, User
from comments import services
from comments.inputs import CommentInput
from comments.models import Comment, VersionCommentCounter
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError

# Lines of the test draft (tests.drafts.factories.markdown_source): 1–2 preamble, then each
# action is a "## N." heading line and three practices. Line 4 reads
# "Practice 1.1: organisations document measure 1 of action 1."
LINE_4 = "Practice 1.1: organisations document measure 1 of action 1."


def file_comment(
    *,
    version: DraftVersion,
    author: User,
    now: datetime | None = None,
    line_start: int = 4,
    organisation: Organisation | None = None,
    **fields: Any,
) -> Comment:
    """comment_submit with the server clock of the caller's choosing."""
    fields.setdefault("body", "Name who runs the red team.")
    line_end = fields.pop("line_end", line_start)
    return services.comment_submit(
        version=version,
        author=author,
        data=CommentInput(
            line_start=line_start,
            line_end=line_end,
            organisation=organisation.slug if organisation is not None else "",
            **fields,
        ),
        now=now,
    )


def stored() -> tuple:
    """Everything a refused submission must leave as it was."""
    return (
        Comment.objects.count(),
        list(VersionCommentCounter.objects.order_by("pk").values_list("pk", "last_number")),
        Organisation.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(
    call: Callable[..., Any], message: str, *, field: str | None = None
) -> ApplicationError:
    """Run ``call``; it must raise ApplicationError containing ``message`` and store nothing."""
    before = stored()
    with pytest.raises(ApplicationError, match=re.escape(message)) as caught:
        call()
    assert stored() == before
    if field is not None:
        assert caught.value.field == field
    return caught.value


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))
