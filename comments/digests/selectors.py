"""Reads for digests: which digests a user may see, and the comments a digest is made of.
Who may read a digest comes from :mod:`accounts.permissions`; the comments come through the
comments app's selectors (:mod:`comments.export_selectors`)."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User, WorkingGroup
from comments.export_selectors import ROWS_PER_FETCH, comments_published, disposition_outcomes
from comments.models import Attachment, Comment, DispositionResponse
from drafts.models import DraftVersion

from .models import Digest, DigestExport

if TYPE_CHECKING:
    from .synthesis import CommentRecord
    from .synthesis.types import Reading


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
        raise Http404(_("No such digest."))
    return digest


def digest_file_get(*, digest: Digest, format: str) -> DigestExport:
    """One file of a digest (found through :func:`digest_get`); 404 if it has no such file."""
    export = DigestExport.objects.filter(digest=digest, format=format).first()
    if export is None:
        raise Http404(_("This digest has no such file."))
    return export


def working_groups_for(user: User | AnonymousUser) -> QuerySet[WorkingGroup]:
    """The working groups whose sections the user may ask a digest for: every group for
    the secretariat, their own for a working group's members."""
    every, _unscoped, groups = permissions.digest_scope(user)
    return WorkingGroup.objects.all() if every else WorkingGroup.objects.filter(pk__in=groups)


def working_group_get(*, slug: str) -> WorkingGroup:
    """The working group at ``slug`` (whether the user may use it is the service's rule);
    404 if there is none."""
    group = WorkingGroup.objects.filter(slug=slug).first()
    if group is None:
        raise Http404(_("No such working group."))
    return group


def version_digests(*, user: User | AnonymousUser, version: DraftVersion) -> QuerySet[Digest]:
    """The digests of a version the user may see, newest first, without their data."""
    return digests_visible_to(user).filter(version=version).defer("data")


def _covered(digest: Digest) -> QuerySet[Comment]:
    """The published comments of the digest's version, sections and cut-off."""
    return comments_published(
        version=digest.version, cutoff=digest.cutoff, section_keys=digest.section_keys
    )


def digest_withheld_count(digest: Digest) -> int:
    """How many of the comments a digest covers its audience may not read: the confidential
    ones, for a public digest. They are counted in its totals and nothing else."""
    if digest.audience != Digest.Audience.PUBLIC:
        return 0
    return _covered(digest).filter(visibility=Comment.Visibility.CONFIDENTIAL).count()


# The columns of a CommentRecord, in its order; the visibility and the organisation's name
# become ``confidential`` and ``organisation``, the organisation's id (or else the author's)
# the ``submitter`` that campaigns count.
RECORD_COLUMNS = (
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
    "organisation_id",
    "author_id",
    "language",
)


READING_COLUMNS = (
    "reading__key",
    "reading__language",
    "reading__stub",
    "reading__shingles",
    "reading__words",
)


def digest_records(digest: Digest) -> "list[CommentRecord]":
    """The comments a digest covers that its audience may read, as the synthesis reads them:
    for a public digest the public ones only (the text of a confidential comment is never
    even loaded to build it), for a working-group digest every one, confidential included.
    Each comes with its stored reading, if any."""
    return [record for _pk, record in digest_records_by_id(digest)]


def digest_records_by_id(digest: Digest) -> "list[tuple[int, CommentRecord]]":
    """:func:`digest_records` with each comment's id."""
    comments = _readable(digest).order_by("reference")
    return _records(comments, _papers(comments))


def records_to_read(comment_ids: Iterable[int]) -> "list[tuple[int, CommentRecord]]":
    """The comments of ``comment_ids`` (those still there) with their ids, as the synthesis
    reads them: what the worker reads once after they are stored."""
    comments = Comment.objects.filter(pk__in=list(comment_ids)).order_by("pk")
    return _records(comments, _papers(comments))


def _records(
    comments: QuerySet[Comment], papers: dict[str, str]
) -> "list[tuple[int, CommentRecord]]":
    from .synthesis import CommentRecord  # loaded by the worker only, as in services

    rows = comments.values_list(*RECORD_COLUMNS, *READING_COLUMNS, "pk")
    confidential = Comment.Visibility.CONFIDENTIAL
    records = []
    for row in rows.iterator(chunk_size=ROWS_PER_FETCH):
        (reference, section_key, heading, line_start, line_end, kind, stance, body, proposed,
         visibility, organisation, stakeholder_type, country, created_at, content_hash,
         organisation_id, author_id, language) = row[:18]  # fmt: skip
        record = CommentRecord(
            reference=reference,
            section_key=section_key,
            section_heading=heading,
            line_start=line_start,
            line_end=line_end,
            kind=kind,
            stance=stance,
            body=body,
            proposed_text=proposed,
            confidential=visibility == confidential,
            organisation=organisation or "",
            stakeholder_type=stakeholder_type,
            country=country,
            created_at=created_at,
            content_hash=content_hash,
            submitter=f"organisation:{organisation_id}"
            if organisation_id
            else f"person:{author_id}",
            papers=papers.get(reference, ""),
            reading=_stored_reading(row[18:23]),
            language=language,
        )
        records.append((row[-1], record))
    return records


def _stored_reading(columns: tuple[Any, ...]) -> "Reading | None":
    from .synthesis.types import Reading

    key, language, stub, shingles, words = columns
    if key is None:
        return None
    return Reading(key=key, language=language, stub=stub, shingles=bytes(shingles), words=words)


# The text of a comment's papers a digest reads (each paper's text is capped on upload too).
PAPER_CHARS_READ = 20_000


def _papers(comments: QuerySet[Comment]) -> dict[str, str]:
    """The text of the papers of ``comments``, joined per comment (by reference), at most
    ``PAPER_CHARS_READ`` characters each."""
    rows = (
        Attachment.objects.filter(comment__in=comments.order_by())
        .exclude(text="")
        .order_by("comment__reference", "pk")
        .values_list("comment__reference", "text")
    )
    joined: dict[str, str] = {}
    for reference, text in rows.iterator(chunk_size=ROWS_PER_FETCH):
        joined[reference] = f"{joined.get(reference, '')}\n\n{text}".strip()[:PAPER_CHARS_READ]
    return joined


def digest_dispositions(digest: Digest) -> dict[str, str]:
    """The outcome of every disposed comment of the digest's version, by reference."""
    return disposition_outcomes(digest.version)


def digest_answers(digest: Digest) -> dict[str, tuple[int, int]]:
    """``{reference: (acceptances, objections)}`` the commenters gave the answers to the
    comments the digest's audience may read (one query)."""
    rows = (
        DispositionResponse.objects.filter(disposition__comment__in=_readable(digest))
        .values("disposition__comment__reference")
        .annotate(
            accepted=Count("pk", filter=Q(answer=DispositionResponse.Answer.ACCEPTED)),
            objected=Count("pk", filter=Q(answer=DispositionResponse.Answer.OBJECTED)),
        )
    )
    return {
        row["disposition__comment__reference"]: (row["accepted"], row["objected"]) for row in rows
    }


def _readable(digest: Digest) -> QuerySet[Comment]:
    """The comments of a digest its audience may read, up to its cut-off."""
    comments = _covered(digest)
    if digest.audience == Digest.Audience.PUBLIC:
        comments = comments.filter(visibility=Comment.Visibility.PUBLIC)
    return comments


def digest_matrix_comments(digest: Digest) -> QuerySet[Comment]:
    """The comments of a digest's own matrix: what its audience may read, up to its cut-off."""
    return _readable(digest)
