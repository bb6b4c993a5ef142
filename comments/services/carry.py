"""Carrying comments to the next version: re-anchoring every comment of the previous version on
a prepared or published text, and the secretariat's review of the uncertain ones."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts import services as account_services
from accounts.models import User
from drafts import selectors as draft_selectors
from drafts.diff import SectionText
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError, NotAllowed
from haip_portal.queueing import enqueue_on_commit

from .. import tasks
from ..anchoring import AnchorError, check_line_range
from ..models import CarriedComment, Comment
from ..reanchor import OldAnchor, Reanchored, Reanchorer

Review = CarriedComment.Review

# The fields a computation writes; the review fields are the secretariat's.
_COMPUTED = ("outcome", "score", "section_key", "line_start", "line_end", "quote_start")


@dataclass(frozen=True, slots=True)
class CarrySummary:
    kept: int = 0
    changed: int = 0
    removed: int = 0
    pending: int = 0
    unchanged_rows: int = 0


def carry_to_version(version: DraftVersion) -> CarrySummary:
    """The drafts app's hook (``VERSION_PREPARED_HOOKS``, ``VERSION_PUBLISHED_HOOKS``)."""
    return comments_carry(version=version)


def notify_commenters(version: DraftVersion) -> None:
    """The drafts app's hook when a version is published (after ``carry_to_version``): once
    it commits, each person who commented on the version before gets one e-mail."""
    enqueue_on_commit(tasks.send_version_notices, version.pk)


@transaction.atomic
def comments_carry(*, version: DraftVersion) -> CarrySummary:
    """Re-anchor every comment of the version before ``version`` on its text; idempotent.

    One row per comment (``CarriedComment``). Run again on the same texts (as publishing does
    after preparing), it writes nothing and keeps every review; on a changed text it computes
    again, and a row whose result moved goes back to the queue if it needs a person.
    """
    previous = (
        DraftVersion.objects.filter(draft_id=version.draft_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    if previous is None:
        return CarrySummary()
    old = draft_selectors.version_sections_as_text(previous)
    new = draft_selectors.version_sections_as_text(version)
    basis = _basis(old, new)
    reanchorer = Reanchorer(old, new)
    old_lines = {number: text for section in old for number, text in section.lines}
    existing = {row.comment_id: row for row in CarriedComment.objects.filter(version=version)}
    created, updated = [], []
    counts = {"kept": 0, "changed": 0, "removed": 0, "pending": 0, "same": 0}
    for comment in Comment.objects.filter(version=previous).select_related("section"):
        row = existing.get(comment.pk)
        if row is not None and row.basis == basis:
            counts["same"] += 1
            _count(counts, row)
            continue
        result = reanchorer.reanchor(_anchor(comment, old_lines))
        fresh = _row(comment=comment, version=version, result=result, basis=basis)
        _count(counts, fresh)
        if row is None:
            created.append(fresh)
        else:
            for name in (*_COMPUTED, "candidates", "basis", "review", "reviewed_by", "reviewed_at"):
                setattr(row, name, getattr(fresh, name))
            updated.append(row)
    CarriedComment.objects.bulk_create(created, batch_size=1000)
    CarriedComment.objects.bulk_update(
        updated,
        [*_COMPUTED, "candidates", "basis", "review", "reviewed_by", "reviewed_at", "updated_at"],
        batch_size=1000,
    )
    return CarrySummary(
        counts["kept"], counts["changed"], counts["removed"], counts["pending"], counts["same"]
    )


def _basis(old: list[SectionText], new: list[SectionText]) -> str:
    digest = hashlib.sha256()
    for text in (old, new):
        for section in text:
            digest.update(f"\x1e{section.key}".encode())
            for number, line in section.lines:
                digest.update(f"\x1f{number}\x1f{line}".encode())
        digest.update(b"\x1d")
    return digest.hexdigest()


def _count(counts: dict[str, int], row: CarriedComment) -> None:
    counts[row.outcome] += 1
    counts["pending"] += row.review == Review.PENDING


def _anchor(comment: Comment, old_lines: dict[int, str]) -> OldAnchor:
    """The comment's anchor in the old master text. A quote taken from a rendering is in
    other words than the master's lines, so such a comment is carried by its lines alone."""
    if comment.quote_language:
        return OldAnchor(
            section_key=comment.section.key,
            line_start=comment.line_start,
            line_end=comment.line_end,
            lines=tuple(
                old_lines.get(n, "") for n in range(comment.line_start, comment.line_end + 1)
            ),
        )
    return OldAnchor(
        section_key=comment.section.key,
        line_start=comment.line_start,
        line_end=comment.line_end,
        lines=tuple(old_lines.get(n, "") for n in range(comment.line_start, comment.line_end + 1)),
        quote_exact=comment.quote_exact,
        quote_prefix=comment.quote_prefix,
        quote_suffix=comment.quote_suffix,
    )


def _row(
    *, comment: Comment, version: DraftVersion, result: Reanchored, basis: str
) -> CarriedComment:
    return CarriedComment(
        comment=comment,
        version=version,
        outcome=result.outcome,
        score=result.score,
        section_key=result.section_key or "",
        line_start=result.line_start,
        line_end=result.line_end,
        quote_start=result.quote_start,
        candidates=[
            {
                "line_start": c.line_start,
                "line_end": c.line_end,
                "section_key": c.section_key,
                "score": c.score,
            }
            for c in result.candidates
        ],
        basis=basis,
        review=Review.PENDING if result.needs_review else Review.NOT_NEEDED,
        reviewed_by=None,
        reviewed_at=None,
    )


# --- The review queue ------------------------------------------------------------------------


def _decide(
    *,
    carried: CarriedComment,
    user: User,
    review: str,
    now: datetime | None,
    data: dict[str, Any],
) -> CarriedComment:
    carried.review = review
    carried.reviewed_by = user
    carried.reviewed_at = now or timezone.now()
    carried.save()
    account_services.audit_record(
        actor=user, action=f"carried.{review}", target=carried.comment, data=data
    )
    return carried


def _locked(carried: CarriedComment, user: User) -> CarriedComment:
    if not permissions.can_review_carried_comments(user):
        raise NotAllowed(_("Only the secretariat reviews carried comments."))
    return CarriedComment.objects.select_for_update().select_related("version").get(pk=carried.pk)


@transaction.atomic
def carried_confirm(
    *, carried: CarriedComment, user: User, now: datetime | None = None
) -> CarriedComment:
    """The secretariat agrees the comment belongs on its best candidate lines."""
    carried = _locked(carried, user)
    if carried.line_start is None:
        raise ApplicationError(
            _(
                "This comment has no candidate lines to confirm: re-point it to lines of the new "
                "version, or mark it answered by removal."
            )
        )
    data = {"line_start": carried.line_start, "line_end": carried.line_end}
    return _decide(carried=carried, user=user, review=Review.CONFIRMED, now=now, data=data)


@transaction.atomic
def carried_repoint(
    *,
    carried: CarriedComment,
    user: User,
    line_start: int,
    line_end: int,
    now: datetime | None = None,
) -> CarriedComment:
    """The secretariat puts the comment on the given lines of the new version."""
    carried = _locked(carried, user)
    try:
        check_line_range(line_start, line_end, carried.version.line_count)
    except AnchorError as error:
        raise ApplicationError(str(error), field=error.field) from error
    sections = draft_selectors.version_sections(carried.version)
    section = next((s for s in sections if s.line_start <= line_start <= s.line_end), None)
    carried.line_start, carried.line_end = line_start, line_end
    carried.section_key = section.key if section else ""
    carried.quote_start = None
    data = {"line_start": line_start, "line_end": line_end}
    return _decide(carried=carried, user=user, review=Review.REPOINTED, now=now, data=data)


@transaction.atomic
def carried_answer_by_removal(
    *, carried: CarriedComment, user: User, now: datetime | None = None
) -> CarriedComment:
    """The secretariat records that the text the comment was about is gone from the new
    version: the comment no longer points at any of its lines."""
    carried = _locked(carried, user)
    carried.line_start = carried.line_end = carried.quote_start = None
    carried.section_key = ""
    return _decide(carried=carried, user=user, review=Review.ANSWERED_BY_REMOVAL, now=now, data={})
