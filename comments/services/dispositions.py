"""Dispositions: the secretariat's answer to one comment or to a selection, each recorded
in the audit trail, its author told after commit; an answer may cite the lines of the next
version that carry it out."""

from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts import services as account_services
from accounts.models import User
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError
from haip_portal.queueing import enqueue_on_commit
from haip_portal.text import check_text

from .. import tasks
from ..anchoring import AnchorError, check_line_range
from ..citations import next_version
from ..models import CitedLines, Comment, Disposition
from .counts import Standing, comment_counts_change

LineRange = tuple[int, int]


@transaction.atomic
def comment_dispose(
    *,
    comments: Iterable[Comment],
    user: User,
    outcome: str,
    response: str,
    addressed_in: DraftVersion | None = None,
    cited: Sequence[LineRange] | None = None,
) -> list[Disposition]:
    """Answer one or many comments with the same outcome and response.

    ``cited`` names lines of the version after the comments' own that answer them (it must be
    published, so its numbers never move); given, it replaces the lines cited before and sets
    ``addressed_in`` to that version. ``None`` keeps the lines cited before.
    """
    if not permissions.can_dispose(user):
        raise ApplicationError(_("Only the secretariat disposes comments."))
    if outcome not in Disposition.Outcome.values:
        raise ApplicationError(_("Unknown outcome '%s'.") % outcome, field="outcome")
    check_text(response, field="response")
    response = response.strip()
    if not response:
        raise ApplicationError(_("Write the response the commenters will read."), field="response")
    now = timezone.now()
    comments = list(comments)
    # Locked, as every service that changes what a comment counts for does: a first
    # disposition makes a published comment answered.
    states = dict(
        Comment.objects.select_for_update()
        .filter(pk__in=[comment.pk for comment in comments])
        .order_by("pk")
        .values_list("pk", "state")
    )
    dispositions, answered = [], []
    for comment in comments:
        cited_in = _cited_version(comment, cited) if cited else None
        disposition, created = Disposition.objects.update_or_create(
            comment=comment,
            defaults={
                "outcome": outcome,
                "response": response,
                "decided_by": user,
                "decided_at": now,
                "addressed_in": cited_in or addressed_in,
            },
        )
        if cited is not None:
            _cite(disposition, cited_in, cited)
        data: dict[str, object] = {"outcome": outcome}
        if cited:
            data["cited"] = [list(pair) for pair in cited]
        account_services.audit_record(
            actor=user, action="comment.dispose", target=comment, data=data
        )
        dispositions.append(disposition)
        if created:
            standing = Standing.of(comment, read=False).with_state(states[comment.pk])
            answered.append((standing, replace(standing, answered=True)))
    if not dispositions:
        raise ApplicationError(_("Choose at least one comment."), field="comments")
    comment_counts_change(answered)
    for disposition in dispositions:
        enqueue_on_commit(tasks.send_disposition_notice, disposition.comment_id)
    return dispositions


def _cited_version(comment: Comment, cited: Sequence[LineRange]) -> DraftVersion:
    """The version whose lines ``cited`` names: the one after the comment's, published."""
    following = next_version(comment.version)
    if following is None or not following.is_frozen:
        raise ApplicationError(
            _("Lines can be cited once the next version of the draft is published."),
            field="cited",
        )
    for start, end in cited:
        try:
            check_line_range(start, end, following.line_count)
        except AnchorError as error:
            raise ApplicationError(str(error), field="cited") from error
    return following


def _cite(
    disposition: Disposition, version: DraftVersion | None, cited: Sequence[LineRange]
) -> None:
    CitedLines.objects.filter(disposition=disposition).delete()
    if version is None:
        return
    CitedLines.objects.bulk_create(
        CitedLines(disposition=disposition, version=version, line_start=start, line_end=end)
        for start, end in sorted(set(cited))
    )
