"""Reads that files of a version's comments are made from: the comment-resolution matrix
(live, and as of a digest's cut-off), the open data of its public comments, and the comments
and dispositions a digest reads. Who may see what comes from ``Comment.objects.visible_to``;
rows are fetched in chunks, so memory stays flat whatever the number of comments."""

from collections.abc import Iterator, Sequence
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from drafts.models import DraftVersion

from .exports import MatrixRow, OpenComment
from .exports.matrix import TYPE_CODES
from .models import Comment, Disposition

ROWS_PER_FETCH = 2000


def comments_published(
    *, version: DraftVersion, cutoff: datetime | None = None, section_keys: Sequence[str] = ()
) -> QuerySet[Comment]:
    """Every published comment of ``version`` (confidential ones included: the caller
    decides what its readers may see) filed by ``cutoff``, in ``section_keys`` if given."""
    comments = Comment.objects.filter(version=version, state=Comment.State.PUBLISHED)
    if cutoff is not None:
        comments = comments.filter(created_at__lte=cutoff)
    if section_keys:
        comments = comments.filter(section__key__in=section_keys)
    return comments


def disposition_outcomes(version: DraftVersion) -> dict[str, str]:
    """The outcome of every disposed comment of ``version``, by reference."""
    return dict(
        Disposition.objects.filter(comment__version=version).values_list(
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
