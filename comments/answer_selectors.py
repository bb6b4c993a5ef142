"""Reads of commenters' answers to dispositions: the deadline per version, the answers a
comment's page shows, the secretariat's list of objections, and the counts of objections
that digests and "you said, we did" print."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from drafts.models import DraftVersion

from .models import (
    CarriedComment,
    CitedLines,
    Comment,
    Disposition,
    DispositionResponse,
    ResponsePeriod,
)

Answer = DispositionResponse.Answer


@dataclass(frozen=True, slots=True)
class ResponseWindow:
    """Whether commenters may answer the dispositions of a version, and until when."""

    closes_at: datetime | None
    open: bool


def response_window(version: DraftVersion, *, now: datetime | None = None) -> ResponseWindow:
    """The deadline for answers on ``version``, if the secretariat set one (one query)."""
    period = ResponsePeriod.objects.filter(version=version).first()
    if period is None:
        return ResponseWindow(None, False)
    return ResponseWindow(period.closes_at, (now or timezone.now()) < period.closes_at)


def responses_shown(*, user: User | AnonymousUser, comment: Comment) -> list[DispositionResponse]:
    """The answers to the comment's disposition the user may read: every one for the
    secretariat, their own for anyone who may answer (one query)."""
    responses = DispositionResponse.objects.filter(disposition__comment=comment).select_related(
        "user", "organisation"
    )
    if permissions.can_dispose(user):
        return list(responses)
    if not user.is_authenticated:
        return []
    return list(responses.filter(user=user))


def objections(*, user: User | AnonymousUser) -> QuerySet[DispositionResponse]:
    """Every objection, newest first, with its comment, version and who objected; empty for
    anyone but the secretariat (one query)."""
    if not permissions.can_dispose(user):
        return DispositionResponse.objects.none()
    return (
        DispositionResponse.objects.filter(answer=Answer.OBJECTED)
        .select_related(
            "disposition__comment__version__draft",
            "disposition__comment__organisation",
            "user",
            "organisation",
        )
        .order_by("-updated_at", "-pk")
    )


def objection_count(version: DraftVersion) -> int:
    """How many objections the dispositions of ``version``'s comments received (one query);
    for digests and reports."""
    return DispositionResponse.objects.filter(
        answer=Answer.OBJECTED, disposition__comment__version=version
    ).count()


def objection_counts_by_version() -> dict[int, int]:
    """``{version id: objections}`` for every version with at least one (one query)."""
    rows = (
        DispositionResponse.objects.filter(answer=Answer.OBJECTED)
        .values("disposition__comment__version")
        .annotate(count=Count("pk"))
    )
    return {row["disposition__comment__version"]: row["count"] for row in rows}


def answer_counts_by_comment(comment_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """``{comment id: (acceptances, objections)}`` for the given comments (one query)."""
    rows = (
        DispositionResponse.objects.filter(disposition__comment_id__in=list(comment_ids))
        .values("disposition__comment")
        .annotate(
            accepted=Count("pk", filter=Q(answer=Answer.ACCEPTED)),
            objected=Count("pk", filter=Q(answer=Answer.OBJECTED)),
        )
    )
    return {row["disposition__comment"]: (row["accepted"], row["objected"]) for row in rows}


@dataclass(frozen=True, slots=True)
class VersionAnswers:
    """A version with dispositions: the deadline for answers to them and the objections."""

    version: DraftVersion
    window: ResponseWindow
    objections: int


def versions_with_dispositions() -> list[VersionAnswers]:
    """Published versions with at least one disposition, by draft and newest first, each with
    its deadline for answers and its objections: where the secretariat sets the deadline
    (three queries)."""
    answered = Comment.objects.filter(disposition__isnull=False).values("version")
    versions = list(
        DraftVersion.objects.filter(pk__in=answered)
        .exclude(status=DraftVersion.Status.DRAFT)
        .select_related("draft")
        .defer("source")
        .order_by("draft__title", "-number")
    )
    periods = {
        period.version_id: period.closes_at
        for period in ResponsePeriod.objects.filter(version__in=versions)
    }
    counts = objection_counts_by_version()
    now = timezone.now()
    return [
        VersionAnswers(
            version,
            ResponseWindow(periods.get(version.pk), now < periods.get(version.pk, now)),
            counts.get(version.pk, 0),
        )
        for version in versions
    ]


# --- For the API: per version, as the user may see them ----------------------------------


def _visible(user: User | AnonymousUser) -> QuerySet[Comment]:
    return Comment.objects.visible_to(user).exclude(state=Comment.State.WITHDRAWN)


def carried_rows(*, user: User | AnonymousUser, version: DraftVersion) -> QuerySet[CarriedComment]:
    """The comments carried to ``version`` whose comment the user may see, with it."""
    return CarriedComment.objects.filter(
        version=version, comment__in=_visible(user)
    ).select_related("comment__version")


def carried_summary(*, user: User | AnonymousUser, version: DraftVersion) -> dict[str, int]:
    """How the comments the user may see were carried to ``version`` and where their review
    stands: ``{outcome or review state: count}`` (one query)."""
    rows = carried_rows(user=user, version=version)
    counts = rows.aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(outcome=value)) for value in CarriedComment.Outcome.values},
        **{value: Count("pk", filter=Q(review=value)) for value in CarriedComment.Review.values},
    )
    return {name: int(value or 0) for name, value in counts.items()}


def dispositions_of(*, user: User | AnonymousUser, version: DraftVersion) -> QuerySet[Disposition]:
    """The dispositions of ``version``'s comments the user may see, with their cited lines and
    the number of acceptances and objections (``accepted``, ``objected``); two queries a page."""
    return (
        Disposition.objects.filter(comment__version=version, comment__in=_visible(user))
        .select_related("comment", "addressed_in")
        .prefetch_related(
            Prefetch("cited_lines", queryset=CitedLines.objects.select_related("version"))
        )
        .annotate(
            accepted=Count("responses", filter=Q(responses__answer=Answer.ACCEPTED)),
            objected=Count("responses", filter=Q(responses__answer=Answer.OBJECTED)),
        )
    )


def objections_on(
    *, user: User | AnonymousUser, version: DraftVersion
) -> QuerySet[DispositionResponse]:
    """Objections to the dispositions of ``version``'s comments: every one for the
    secretariat, the user's own for anyone else."""
    rows = DispositionResponse.objects.filter(
        answer=Answer.OBJECTED, disposition__comment__version=version
    ).select_related("disposition__comment", "organisation")
    if permissions.can_dispose(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    return rows.filter(user=user)
