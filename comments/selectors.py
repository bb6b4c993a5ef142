"""Reads of comments shared by pages, API, exports and digests. Who may see what is decided
once, by ``Comment.objects.visible_to(user)`` (the query twin of
:func:`accounts.permissions.can_see_comment`); which comments a list shows, by
:class:`CommentFilters`, read from a page's or the API's query string in one place."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.countries import country_name
from accounts.models import User
from drafts import selectors as draft_selectors
from drafts.models import DraftVersion, Line
from haip_portal.exceptions import NotFound

# The filters are read from here by pages and the API (explicit re-exports).
from .filters import CommentFilters as CommentFilters
from .filters import FilterError as FilterError
from .models import (
    Attachment,
    BulkSubmission,
    CarriedComment,
    Comment,
    Endorsement,
    Flag,
    LineCommentCount,
    LineQuoteCount,
    Reply,
    VersionCommentTotals,
    VersionCountryCount,
)
from .search import SORTS, search_condition

State = Comment.State
# Fields that filter by equality: the filter's name and the lookup it sets.
_EQUALS = {
    "section": "section__key",
    "kind": "kind",
    "stance": "stance",
    "stakeholder_type": "stakeholder_type",
    "country": "country",
    "state": "state",
    "visibility": "visibility",
    "organisation": "organisation__slug",
}


def comment_get(*, user: User | AnonymousUser, reference: str) -> Comment:
    """One comment by its reference, with everything its page shows; 404 if not visible."""
    comment = (
        Comment.objects.visible_to(user)
        .select_related("version__draft", "section", "author", "organisation", "disposition")
        .filter(reference=reference)
        .first()
    )
    if comment is None:
        raise NotFound(_("No such comment."))
    return comment


def comment_for_output(*, reference: str) -> Comment:
    """One comment by reference with what the API shows of it, for a caller that already
    knows the user may see it: its author, just after filing, withdrawing or endorsing it."""
    return Comment.objects.select_related(
        "version__draft", "section", "organisation", "disposition"
    ).get(reference=reference)


@dataclass(frozen=True, slots=True)
class CommentThread:
    """What a comment's page shows around it."""

    lines: list[Line]
    replies: list[Reply]
    endorsements: list[Endorsement]
    revisions: int
    attachments: list[Attachment]


def comment_thread(comment: Comment) -> CommentThread:
    """The lines a comment is about, its published replies (oldest first, with their
    authors), its endorsements, the number of its earlier texts and its attachments (without
    their text): five queries."""
    return CommentThread(
        lines=draft_selectors.version_lines(comment.version, comment.line_start, comment.line_end),
        replies=list(
            Reply.objects.filter(comment=comment, state=State.PUBLISHED)
            .select_related("author", "organisation")
            .order_by("created_at")
        ),
        endorsements=list(comment.endorsements.select_related("organisation")),
        revisions=comment.revisions.count(),
        attachments=comment_attachments(comment),
    )


def comment_attachments(comment: Comment) -> list[Attachment]:
    """A comment's attachments (without their text), for a caller that may see it."""
    attachments = list(comment.attachments.defer("text"))
    for attachment in attachments:
        attachment.comment = comment
    return attachments


def attachment_get(*, user: User | AnonymousUser, reference: str, pk: int) -> Attachment:
    """An attachment of a comment the user may see; 404 otherwise, so that neither the
    comment nor the file is told to exist."""
    comment = comment_get(user=user, reference=reference)
    if not permissions.can_download_attachment(user, comment):
        raise NotFound(_("No such attachment."))
    attachment = Attachment.objects.defer("text").filter(pk=pk, comment=comment).first()
    if attachment is None:
        raise NotFound(_("No such attachment."))
    attachment.comment = comment
    return attachment


def reply_get(*, comment: Comment, pk: int) -> Reply:
    """A reply under ``comment`` (one the user may see); 404 if there is none by that id."""
    reply = Reply.objects.filter(pk=pk, comment=comment).first()
    if reply is None:
        raise NotFound(_("No such reply."))
    return reply


# Beyond the public comments, what an organisation's members see of their own: confidential
# and hidden comments (withdrawn ones are counted nowhere). Matches the partial index
# ``comments_restricted_by_org``.
RESTRICTED = Q(state=State.HIDDEN) | Q(
    state=State.PUBLISHED, visibility=Comment.Visibility.CONFIDENTIAL
)


@dataclass(frozen=True, slots=True)
class LineCounts:
    """Per line of a version, the comments a user can see that start on it (withdrawn ones
    left out) and the endorsements they hold; lines without any are absent."""

    comments: dict[int, int]
    endorsements: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.comments.values())


def line_counts(*, user: User | AnonymousUser, version: DraftVersion) -> LineCounts:
    """What the draft page's gutter shows, whatever the number of comments: one query of the
    kept counts (:mod:`comments.services.counts`); for a member of organisations one more,
    over their organisations' own confidential and hidden comments only."""
    everything = permissions.sees_every_comment(user)
    comments: dict[int, int] = {}
    endorsements: dict[int, int] = {}
    kept = LineCommentCount.objects.filter(version=version)
    if not everything:
        kept = kept.filter(public__gt=0)
    for line, public, restricted, endorsed, endorsed_restricted in kept.values_list(
        "line", "public", "restricted", "public_endorsements", "restricted_endorsements"
    ):
        if everything:
            public, endorsed = public + restricted, endorsed + endorsed_restricted
        if public:
            comments[line] = public
        if endorsed:
            endorsements[line] = endorsed
    inside = set() if everything else permissions.organisations_seen_from_inside(user)
    if inside:
        own = (
            Comment.objects.filter(RESTRICTED, version=version, organisation_id__in=inside)
            .values("line_start")
            .annotate(count=Count("pk", distinct=True), endorsed=Count("endorsements"))
            .order_by()
        )
        for row in own:
            line = row["line_start"]
            comments[line] = comments.get(line, 0) + row["count"]
            if row["endorsed"]:
                endorsements[line] = endorsements.get(line, 0) + row["endorsed"]
    return LineCounts(comments, endorsements)


def line_quotes(
    *, user: User | AnonymousUser, version: DraftVersion, language: str = "", limit: int = 2000
) -> list[Mapping[str, object]]:
    """The phrases quoted by the published comments the user can see, to mark in the text:
    ``line_start``, ``quote_exact`` and ``quote_start`` of each distinct quote, by line and
    position. ``language``: those quoted from the rendering in it (empty: the master's). From
    the kept quotes (one query); for a member of organisations one more, over their
    organisations' own published confidential comments that quote."""
    everything = permissions.sees_every_comment(user)
    kept = LineQuoteCount.objects.filter(version=version, language=language)
    kept = (
        kept.filter(Q(public__gt=0) | Q(restricted__gt=0))
        if everything
        else kept.filter(public__gt=0)
    )
    found = {
        (line, -1 if start is None else start, exact)
        for line, start, exact in kept.order_by("line", "quote_start").values_list(
            "line", "quote_start", "quote_exact"
        )[:limit]
    }
    inside = set() if everything else permissions.organisations_seen_from_inside(user)
    if inside:
        own = (
            Comment.objects.filter(
                version=version,
                organisation_id__in=inside,
                state=State.PUBLISHED,
                visibility=Comment.Visibility.CONFIDENTIAL,
                quote_language=language,
            )
            .exclude(quote_exact="")
            .values_list("line_start", "quote_start", "quote_exact")
            .distinct()
            .order_by()
        )
        found.update((line, -1 if start is None else start, exact) for line, start, exact in own)
    return [
        {"line_start": line, "quote_exact": exact, "quote_start": None if start < 0 else start}
        for line, start, exact in sorted(found)[:limit]
    ]


def comments_with_anchored_lines(comments: Iterable[Comment]) -> list[Comment]:
    """The comments, each that proposes a text given ``anchored_lines``: the lines of its
    version it would replace, for its word diff in a list (one query for them all, none when
    no comment proposes a text)."""
    comments = list(comments)
    wanted = {
        (comment.version_id, number)
        for comment in comments
        if comment.proposed_text
        for number in range(comment.line_start, comment.line_end + 1)
    }
    if not wanted:
        return comments
    lines = Line.objects.filter(
        version_id__in={version for version, _ in wanted},
        number__in={number for _, number in wanted},
    )
    by_place = {(line.version_id, line.number): line for line in lines}
    for comment in comments:
        if comment.proposed_text:
            span = range(comment.line_start, comment.line_end + 1)
            found = [by_place.get((comment.version_id, number)) for number in span]
            lines_found = [line for line in found if line is not None]
            comment.anchored_lines = lines_found  # type: ignore[attr-defined]
    return comments


@dataclass(frozen=True, slots=True)
class FiledText:
    """A comment's words as its author filed them, before any later edit."""

    kind: str
    stance: str
    body: str
    proposed_text: str


def comment_as_filed(comment: Comment) -> FiledText:
    """The comment's text when it was filed: its earliest kept revision if it was edited since
    (one query), else its text now."""
    first = comment.revisions.order_by("replaced_at", "pk").first()
    source = first if first is not None else comment
    return FiledText(source.kind, source.stance, source.body, source.proposed_text)


def version_comments(
    *, user: User | AnonymousUser, version: DraftVersion, filters: CommentFilters | None = None
) -> QuerySet[Comment]:
    """The comments of a version the user may see, filtered, ready for a list page."""
    filters = filters or CommentFilters()
    comments = (
        Comment.objects.visible_to(user)
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
        .order_by(*SORTS[filters.sort or "line"])
    )
    conditions = [
        Q(**{lookup: getattr(filters, name)})
        for name, lookup in _EQUALS.items()
        if getattr(filters, name)
    ]
    if filters.line is not None:
        conditions.append(Q(line_start__lte=filters.line, line_end__gte=filters.line))
    if filters.line_from is not None:
        conditions.append(Q(line_end__gte=filters.line_from))
    if filters.line_to is not None:
        conditions.append(Q(line_start__lte=filters.line_to))
    if filters.changed_since is not None:
        conditions.append(Q(updated_at__gte=filters.changed_since))
    if filters.disposition == "open":
        conditions.append(Q(disposition__isnull=True))
    elif filters.disposition:
        conditions.append(Q(disposition__outcome=filters.disposition))
    if filters.q:
        searched, condition = search_condition(comments, filters.q)
        return searched.filter(*conditions, condition)
    return comments.filter(*conditions)


def version_countries(
    *, user: User | AnonymousUser, version: DraftVersion
) -> list[tuple[str, str]]:
    """The countries of the comments on ``version`` the user may see, as (code, name), by
    name: what a list's country filter offers. From the kept counts (one query), and for a
    member of organisations one more over their organisations' own comments beyond the
    public ones."""
    everything = permissions.sees_every_comment(user)
    kept = VersionCountryCount.objects.filter(version=version)
    if everything:
        kept = kept.filter(Q(public__gt=0) | Q(restricted__gt=0) | Q(withdrawn__gt=0))
    else:
        kept = kept.filter(public__gt=0)
    codes = set(kept.values_list("country", flat=True))
    inside = set() if everything else permissions.organisations_seen_from_inside(user)
    if inside:
        codes.update(
            _own_beyond_public(version, inside)
            .exclude(country="")
            .values_list("country", flat=True)
            .distinct()
            .order_by()
        )
    return sorted(((code, country_name(code)) for code in codes), key=lambda pair: pair[1])


def version_comment_count(*, user: User | AnonymousUser, version: DraftVersion) -> int:
    """How many comments of ``version`` the user may see (withdrawn ones included where they
    may see them, as the lists show them): the length of an unfiltered list, from the kept
    totals (one query), and for a member of organisations one more over their own comments
    beyond the public ones."""
    totals = VersionCommentTotals.objects.filter(version=version).first()
    if totals is None:
        return 0
    if permissions.sees_every_comment(user):
        return totals.all
    inside = permissions.organisations_seen_from_inside(user)
    own = _own_beyond_public(version, inside).count() if inside else 0
    return totals.published_public + own


def _own_beyond_public(version: DraftVersion, inside: set[int]) -> QuerySet[Comment]:
    """The comments of ``version`` filed for the organisations ``inside`` that everyone does
    not see: confidential, hidden or withdrawn."""
    return Comment.objects.filter(version=version, organisation_id__in=inside).exclude(
        state=State.PUBLISHED, visibility=Comment.Visibility.PUBLIC
    )


def comments_chosen(*, version: DraftVersion, pks: Iterable[str]) -> QuerySet[Comment]:
    """The comments of ``version`` among the ids chosen on a page (ids that are not numbers
    are left out)."""
    return Comment.objects.filter(version=version, pk__in=[pk for pk in pks if pk.isdigit()])


def comments_hidden(*, limit: int = 100) -> list[Comment]:
    """The latest comments hidden by moderation, for the secretariat's queue."""
    return list(
        Comment.objects.filter(state=State.HIDDEN)
        .select_related("version__draft", "organisation")
        .order_by("-updated_at")[:limit]
    )


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


def bulk_submission_get(*, owner: User | AnonymousUser, pk: int) -> BulkSubmission:
    """An upload of ``owner``'s; 404 for anyone else's, so its existence is not told."""
    submission = BulkSubmission.objects.filter(pk=pk, owner_id=owner.pk).first()
    if submission is None:
        raise NotFound(_("No such bulk submission."))
    return submission


# --- Comments carried from the previous version ----------------------------------------------


def carried_to_version(
    *, user: User | AnonymousUser, version: DraftVersion
) -> list[CarriedComment]:
    """The previous version's comments carried to ``version`` that the user may see (the
    comment's own visibility rule), with their comment and its disposition; one query."""
    visible = Comment.objects.visible_to(user).exclude(state=State.WITHDRAWN)
    return list(
        CarriedComment.objects.filter(version=version, comment__in=visible)
        .select_related("comment__version", "comment__organisation", "comment__disposition")
        .order_by(F("line_start").asc(nulls_last=True), "comment__number")
    )


def carried_review_queue(*, user: User | AnonymousUser) -> QuerySet[CarriedComment]:
    """Carried comments waiting for the secretariat's review, oldest version first; empty for
    anyone who may not review them."""
    if not permissions.can_review_carried_comments(user):
        return CarriedComment.objects.none()
    return (
        CarriedComment.objects.filter(review=CarriedComment.Review.PENDING)
        .exclude(comment__state=State.WITHDRAWN)
        .select_related("comment__version__draft", "comment__organisation", "version__draft")
        .order_by("version_id", "comment__number")
    )


def carried_get(*, user: User | AnonymousUser, pk: int) -> CarriedComment:
    """One carried comment for its reviewer; 404 for anyone else."""
    if not permissions.can_review_carried_comments(user):
        raise NotFound(_("No such carried comment."))
    found = CarriedComment.objects.select_related("comment", "version").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such carried comment."))
    return found
