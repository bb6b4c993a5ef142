"""Reads for digests and exports: which digests a user may see, and the comments a digest,
the comment matrix and the open-data files are made of. Who may see what comes from
:mod:`accounts.permissions` and ``Comment.objects.visible_to``."""

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import permissions
from accounts.models import User
from drafts.models import DraftVersion

from ..exports import MatrixRow, OpenComment
from ..exports.matrix import TYPE_CODES
from ..models import Comment, Digest, Disposition

if TYPE_CHECKING:
    from ..synthesis import CommentRecord

ROWS_PER_FETCH = 2000


def digests_visible_to(user: User | AnonymousUser) -> QuerySet[Digest]:
    """Every digest the user may know exists (same rule as
    :func:`accounts.permissions.can_see_digest`, as a query)."""
    digests = Digest.objects.select_related("version__draft", "working_group")
    every, unscoped, groups = permissions.digest_scope(user)
    if every:
        return digests
    allowed = Q(audience=Digest.Audience.PUBLIC)
    if unscoped:
        allowed |= Q(audience=Digest.Audience.WORKING_GROUP, working_group__isnull=True)
    if groups:
        allowed |= Q(audience=Digest.Audience.WORKING_GROUP, working_group_id__in=groups)
    return digests.filter(allowed)


def digest_get(*, user: User | AnonymousUser, pk: int, with_data: bool = True) -> Digest:
    """One digest by its id (its synthesis data only if asked); 404 if the user may not see
    it."""
    digests = digests_visible_to(user).filter(pk=pk)
    digest = (digests if with_data else digests.defer("data")).first()
    if digest is None:
        raise Http404("No such digest.")
    return digest


def version_digests(*, user: User | AnonymousUser, version: DraftVersion) -> QuerySet[Digest]:
    """The digests of a version the user may see, newest first, without their data."""
    return digests_visible_to(user).filter(version=version).defer("data")


def _published(version: DraftVersion, cutoff: datetime | None) -> QuerySet[Comment]:
    comments = Comment.objects.filter(version=version, state=Comment.State.PUBLISHED)
    return comments.filter(created_at__lte=cutoff) if cutoff is not None else comments


def _covered(digest: Digest) -> QuerySet[Comment]:
    """The published comments of the digest's version, sections and cut-off."""
    comments = _published(digest.version, digest.cutoff)
    if digest.section_keys:
        comments = comments.filter(section__key__in=digest.section_keys)
    return comments


def digest_withheld_count(digest: Digest) -> int:
    """How many of the comments a digest covers its audience may not read: the confidential
    ones, for a public digest. They are counted in its totals and nothing else."""
    if digest.audience != Digest.Audience.PUBLIC:
        return 0
    return _covered(digest).filter(visibility=Comment.Visibility.CONFIDENTIAL).count()


def digest_records(digest: Digest) -> "list[CommentRecord]":
    """The comments a digest covers that its audience may read, as the synthesis reads them:
    for a public digest the public ones only (the text of a confidential comment is never
    even loaded to build it), for a working-group digest every one, confidential included."""
    from ..synthesis import CommentRecord  # loaded by the worker only, as in services

    comments = _covered(digest)
    if digest.audience == Digest.Audience.PUBLIC:
        comments = comments.filter(visibility=Comment.Visibility.PUBLIC)
    rows = comments.order_by("reference").values_list(
        "reference",
        "section__key",
        "section__heading",
        "line_start",
        "line_end",
        "kind",
        "stance",
        "body",
        "proposed_text",
        "visibility",
        "organisation__name",
        "stakeholder_type",
        "country",
        "created_at",
        "content_hash",
    )
    return [
        CommentRecord(
            reference=reference,
            section_key=section_key,
            section_heading=heading,
            line_start=line_start,
            line_end=line_end,
            kind=kind,
            stance=stance,
            body=body,
            proposed_text=proposed_text,
            confidential=visibility == Comment.Visibility.CONFIDENTIAL,
            organisation=organisation or "",
            stakeholder_type=stakeholder_type,
            country=country,
            created_at=created_at,
            content_hash=content_hash,
        )
        for (
            reference,
            section_key,
            heading,
            line_start,
            line_end,
            kind,
            stance,
            body,
            proposed_text,
            visibility,
            organisation,
            stakeholder_type,
            country,
            created_at,
            content_hash,
        ) in rows.iterator(chunk_size=ROWS_PER_FETCH)
    ]


def digest_dispositions(digest: Digest) -> dict[str, str]:
    """The outcome of every disposed comment of the digest's version, by reference."""
    return dict(
        Disposition.objects.filter(comment__version=digest.version).values_list(
            "comment__reference", "outcome"
        )
    )


def matrix_comments(
    *, user: User | AnonymousUser, version: DraftVersion, cutoff: datetime | None = None
) -> QuerySet[Comment]:
    """The published comments of a version that go into the user's comment matrix."""
    comments = Comment.objects.visible_to(user).filter(
        version=version, state=Comment.State.PUBLISHED
    )
    return comments.filter(created_at__lte=cutoff) if cutoff is not None else comments


def digest_matrix_comments(digest: Digest) -> QuerySet[Comment]:
    """The comments of a digest's own matrix: what its audience may read, up to its cut-off."""
    comments = _covered(digest)
    if digest.audience == Digest.Audience.PUBLIC:
        comments = comments.filter(visibility=Comment.Visibility.PUBLIC)
    return comments


def matrix_rows(comments: QuerySet[Comment]) -> Iterator[MatrixRow]:
    """The comment-resolution matrix of ``comments`` in line order, with the secretariat's
    dispositions; fetched in chunks, so memory stays flat whatever the number of rows."""
    rows = comments.order_by("line_start", "number").values_list(
        "reference",
        "organisation__name",
        "stakeholder_type",
        "country",
        "line_start",
        "line_end",
        "section__key",
        "section__heading",
        "quote_exact",
        "kind",
        "body",
        "proposed_text",
        "disposition__outcome",
        "disposition__response",
        "visibility",
        "created_at",
    )
    outcomes = dict(Disposition.Outcome.choices)
    for (
        reference,
        organisation,
        stakeholder_type,
        country,
        line_start,
        line_end,
        clause,
        clause_title,
        quote,
        kind,
        body,
        proposed_text,
        outcome,
        response,
        visibility,
        created_at,
    ) in rows.iterator(chunk_size=ROWS_PER_FETCH):
        yield MatrixRow(
            reference=reference,
            organisation=organisation or "",
            stakeholder_type=stakeholder_type,
            country=country,
            line_start=line_start,
            line_end=line_end,
            clause=clause,
            clause_title=clause_title,
            paragraph=quote,
            comment_type=TYPE_CODES.get(kind, kind),
            comment=body,
            proposed_change=proposed_text,
            observations=f"{outcomes[outcome]}: {response}" if outcome else "",
            confidential=visibility == Comment.Visibility.CONFIDENTIAL,
            submitted_at=created_at,
        )


def open_data_rows(version: DraftVersion) -> Iterator[OpenComment]:
    """The public comments of a version as open data (what anyone may read), in line order."""
    comments = Comment.objects.visible_to(AnonymousUser()).filter(
        version=version, state=Comment.State.PUBLISHED
    )
    rows = comments.order_by("line_start", "number").values_list(
        "reference",
        "section__key",
        "section__heading",
        "line_start",
        "line_end",
        "kind",
        "stance",
        "body",
        "proposed_text",
        "organisation__name",
        "stakeholder_type",
        "country",
        "created_at",
        "disposition__outcome",
        "disposition__response",
    )
    for (
        reference,
        section_key,
        section_heading,
        line_start,
        line_end,
        kind,
        stance,
        body,
        proposed_text,
        organisation,
        stakeholder_type,
        country,
        created_at,
        outcome,
        response,
    ) in rows.iterator(chunk_size=ROWS_PER_FETCH):
        yield OpenComment(
            reference=reference,
            section_key=section_key,
            section_heading=section_heading,
            line_start=line_start,
            line_end=line_end,
            kind=kind,
            stance=stance,
            body=body,
            proposed_text=proposed_text,
            organisation=organisation or "",
            stakeholder_type=stakeholder_type,
            country=country,
            submitted_at=created_at,
            disposition=outcome or "",
            response=response or "",
        )
