"""Reads of the secretariat's pages: the moderation queue, the count of reports the navigation
shows, and what the secretariat's home lists as waiting to be done. Each block is one query,
whatever the number of comments; the pages are the secretariat's, who sees every comment."""

from dataclasses import dataclass

from django.db.models import Count, Min, Prefetch, Q, QuerySet

from drafts.models import DraftVersion

from .models import Comment, Flag, VersionCommentTotals

State = Comment.State
_RECEIVED = ~Q(comments__state=State.WITHDRAWN)


@dataclass(frozen=True)
class FlagsWaiting:
    """Open reports, and the number of comments they are about."""

    reports: int
    comments: int


def comments_flagged(*, limit: int = 100) -> list[Comment]:
    """The moderation queue: comments with open reports, the longest waiting first, each with
    its open reports (``open_flags``, oldest first). Two queries."""
    open_flags = Flag.objects.filter(resolved_at__isnull=True)
    return list(
        # One filter() on one join, before the annotation: the counts see only open reports
        # (``pk__isnull=False`` makes it an inner join, leaving out comments never reported).
        Comment.objects.filter(flags__pk__isnull=False, flags__resolved_at__isnull=True)
        .annotate(open_flag_count=Count("flags"), first_flagged_at=Min("flags__created_at"))
        .select_related("version__draft", "section", "organisation")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=open_flags.select_related("flagged_by").order_by("created_at", "pk"),
                to_attr="open_flags",
            )
        )
        .order_by("first_flagged_at", "pk")[:limit]
    )


def flags_waiting() -> FlagsWaiting:
    """How many reports wait for the secretariat, on how many comments. One query."""
    counts = Flag.objects.filter(resolved_at__isnull=True).aggregate(
        reports=Count("pk"), comments=Count("comment", distinct=True)
    )
    return FlagsWaiting(reports=counts["reports"], comments=counts["comments"])


def versions_open_with_counts() -> QuerySet[DraftVersion]:
    """Versions open for comment, the soonest to close first, with ``comment_count``: the
    comments received (withdrawn ones left out). One query."""
    return (
        DraftVersion.objects.filter(status=DraftVersion.Status.OPEN)
        .select_related("draft")
        .annotate(comment_count=Count("comments", filter=_RECEIVED))
        .order_by("closes_at", "draft__title", "number")
    )


def versions_with_comments_unanswered() -> QuerySet[DraftVersion]:
    """Open and closed versions with comments still without a disposition
    (``unanswered_count``; withdrawn comments need none), open versions first. One query."""
    unanswered = _RECEIVED & Q(comments__disposition__isnull=True)
    return (
        DraftVersion.objects.filter(
            status__in=[DraftVersion.Status.OPEN, DraftVersion.Status.CLOSED]
        )
        .select_related("draft")
        .annotate(unanswered_count=Count("comments", filter=unanswered))
        .filter(unanswered_count__gt=0)
        .order_by("-status", "draft__title", "number")
    )


@dataclass(frozen=True)
class MatrixCounts:
    """What the comment matrix holds: the published comments (the rows of its CSV), of which
    ``answered`` have a disposition, and the comments hidden by moderation, counted apart."""

    published: int
    answered: int
    hidden: int

    @property
    def not_answered(self) -> int:
        return self.published - self.answered


def matrix_counts(version: DraftVersion) -> MatrixCounts:
    """The matrix's counts for ``version``, from the kept totals (one query, whatever the
    number of comments)."""
    totals = VersionCommentTotals.objects.filter(version=version).first()
    if totals is None:  # no comment yet
        return MatrixCounts(0, 0, 0)
    return MatrixCounts(totals.published, totals.answered, totals.hidden)
