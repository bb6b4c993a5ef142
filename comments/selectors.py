"""Reads of comments shared by pages, API, exports and digests. Who may see what is decided
once, in :func:`comments_visible_to`, on top of :mod:`accounts.permissions`."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts import permissions
from accounts.models import User
from drafts.models import DraftVersion

from .models import Comment, Endorsement, Flag

Visibility = Comment.Visibility
State = Comment.State


def comments_visible_to(user: User | AnonymousUser) -> QuerySet[Comment]:
    """Every comment the user may know exists; for anyone else it does not exist at all.

    Same rule as :func:`accounts.permissions.can_see_comment`, as a query.
    """
    comments = Comment.objects.all()
    if permissions.sees_every_comment(user):
        return comments
    public = Q(visibility=Visibility.PUBLIC, state=State.PUBLISHED)
    inside = permissions.organisations_seen_from_inside(user)
    return (
        comments.filter(public | Q(organisation_id__in=inside))
        if inside
        else comments.filter(public)
    )


def comment_get(*, user: User | AnonymousUser, reference: str) -> Comment:
    """One comment by its reference, with everything its page shows; 404 if not visible."""
    comment = (
        comments_visible_to(user)
        .select_related("version__draft", "section", "author", "organisation", "disposition")
        .filter(reference=reference)
        .first()
    )
    if comment is None:
        raise Http404("No such comment.")
    return comment


def comment_for_output(*, reference: str) -> Comment:
    """One comment by reference with what the API shows of it, for a caller that already
    knows the user may see it: its author, just after filing, withdrawing or endorsing it."""
    return Comment.objects.select_related(
        "version__draft", "section", "organisation", "disposition"
    ).get(reference=reference)


def line_comment_counts(*, user: User | AnonymousUser, version: DraftVersion) -> dict[int, int]:
    """How many comments the user can see start on each line (one query)."""
    rows = (
        comments_visible_to(user)
        .filter(version=version)
        .exclude(state=State.WITHDRAWN)
        .values("line_start")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["line_start"]: row["count"] for row in rows}


def version_comments(
    *, user: User | AnonymousUser, version: DraftVersion, filters: dict[str, str] | None = None
) -> QuerySet[Comment]:
    """The comments of a version the user may see, filtered, ready for a list page."""
    filters = filters or {}
    comments = (
        comments_visible_to(user)
        .filter(version=version)
        .select_related("section", "organisation", "disposition")
        # A correlated count, not a GROUP BY: the page's LIMIT then stops the scan early
        # whatever the table's statistics say.
        .annotate(
            endorsement_count=Coalesce(
                Subquery(
                    Endorsement.objects.filter(comment=OuterRef("pk"))
                    .order_by()
                    .values("comment")
                    .annotate(total=Count("pk"))
                    .values("total")
                ),
                0,
            )
        )
        .order_by("line_start", "number")
    )
    if line := filters.get("line"):
        comments = comments.filter(line_start__lte=line, line_end__gte=line)
    lookups = {
        "section": "section__key",
        "kind": "kind",
        "stance": "stance",
        "stakeholder_type": "stakeholder_type",
        "country": "country",
        "state": "state",
        "visibility": "visibility",
    }
    for name, lookup in lookups.items():
        if value := filters.get(name):
            comments = comments.filter(**{lookup: value})
    if disposition := filters.get("disposition"):
        comments = (
            comments.filter(disposition__isnull=True)
            if disposition == "open"
            else comments.filter(disposition__outcome=disposition)
        )
    return comments


def comments_of_user(user: User) -> QuerySet[Comment]:
    """The user's own comments and those of the organisations they belong to."""
    inside = permissions.organisations_seen_from_inside(user)
    return (
        Comment.objects.filter(Q(author=user) | Q(organisation_id__in=inside))
        .select_related("version__draft", "organisation", "disposition", "author")
        .order_by("-created_at")
    )


def flags_open() -> QuerySet[Flag]:
    """The moderation queue: flags not yet resolved, oldest first."""
    return (
        Flag.objects.filter(resolved_at__isnull=True)
        .select_related("comment__version__draft", "comment__organisation", "flagged_by")
        .order_by("created_at")
    )
