"""The comment counts pages read (per line of a version, and each version's totals): kept by
the services that file comments and change what they count for, in the same transaction, and
rebuilt from the comments themselves by :func:`comment_counts_rebuild`."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.db import connection, models, transaction
from django.db.models import Count, Q

from drafts.models import DraftVersion

from ..models import (
    Comment,
    Disposition,
    Endorsement,
    LineCommentCount,
    LineQuoteCount,
    VersionCommentTotals,
    VersionCountryCount,
)

State = Comment.State
_LINE_COLUMNS = ("public", "restricted", "public_endorsements", "restricted_endorsements")
_COUNTRY_COLUMNS = ("public", "restricted", "withdrawn")
_TOTAL_COLUMNS = ("published", "published_public", "hidden", "withdrawn", "answered")
_QUOTE_COLUMNS = ("public", "restricted")
_ROWS_PER_STATEMENT = 500


def quote_hash(phrase: str) -> str:
    """The key of a quoted phrase in the kept quotes."""
    return hashlib.md5(phrase.encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class Standing:
    """What one comment counts for: where it starts, its state and visibility, its
    endorsements and whether it has a disposition."""

    version_id: int
    line: int
    state: str
    visibility: str
    endorsements: int = 0
    answered: bool = False
    country: str = ""
    quote_exact: str = ""
    quote_start: int | None = None
    quote_language: str = ""

    @classmethod
    def of(cls, comment: Comment, *, read: bool = True) -> "Standing":
        """The comment as it stands; ``read`` counts its endorsements and looks for its
        disposition (two queries), else it is taken to have neither (a new comment)."""
        return cls(
            version_id=comment.version_id,
            line=comment.line_start,
            state=comment.state,
            visibility=comment.visibility,
            endorsements=comment.endorsements.count() if read else 0,
            answered=Disposition.objects.filter(comment_id=comment.pk).exists() if read else False,
            country=comment.country,
            quote_exact=comment.quote_exact,
            quote_start=comment.quote_start,
            quote_language=comment.quote_language,
        )

    def with_state(self, state: str) -> "Standing":
        return replace(self, state=state)

    def _lines(self) -> tuple[int, int, int, int]:
        if self.state == State.WITHDRAWN:
            return (0, 0, 0, 0)
        if self.state == State.PUBLISHED and self.visibility == Comment.Visibility.PUBLIC:
            return (1, 0, self.endorsements, 0)
        return (0, 1, 0, self.endorsements)

    def _countries(self) -> tuple[int, int, int]:
        if self.state == State.WITHDRAWN:
            return (0, 0, 1)
        public, restricted, _endorsed, _endorsed_restricted = self._lines()
        return (public, restricted, 0)

    def _quote(self) -> tuple[int, int]:
        """Published comments mark their quote: public ones for everyone."""
        if not self.quote_exact or self.state != State.PUBLISHED:
            return (0, 0)
        return (1, 0) if self.visibility == Comment.Visibility.PUBLIC else (0, 1)

    def _totals(self) -> tuple[int, int, int, int, int]:
        published = self.state == State.PUBLISHED
        return (
            int(published),
            int(published and self.visibility == Comment.Visibility.PUBLIC),
            int(self.state == State.HIDDEN),
            int(self.state == State.WITHDRAWN),
            int(published and self.answered),
        )


Change = tuple[Standing | None, Standing | None]


def comment_counts_change(changes: Iterable[Change]) -> None:
    """Move the counts from how each comment stood (None: it did not exist) to how it stands
    now, by increments (four statements at most, whatever the number of comments), inside
    the caller's transaction. The caller holds the comments' rows locked, so two changes of
    one comment cannot cross."""
    lines: defaultdict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    totals: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    countries: defaultdict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    quotes: defaultdict[tuple[int, str, int, int, str], list[int]] = defaultdict(lambda: [0, 0])
    phrases: dict[str, str] = {}
    for before, after in changes:
        for standing, sign in ((before, -1), (after, 1)):
            if standing is None:
                continue
            line_row = lines[standing.version_id, standing.line]
            for index, value in enumerate(standing._lines()):
                line_row[index] += sign * value
            total_row = totals[standing.version_id]
            for index, value in enumerate(standing._totals()):
                total_row[index] += sign * value
            if standing.country:
                country_row = countries[standing.version_id, standing.country]
                for index, value in enumerate(standing._countries()):
                    country_row[index] += sign * value
            if standing.quote_exact:
                digest = quote_hash(standing.quote_exact)
                phrases[digest] = standing.quote_exact
                quote_row = quotes[
                    standing.version_id,
                    standing.quote_language,
                    standing.line,
                    -1 if standing.quote_start is None else standing.quote_start,
                    digest,
                ]
                for index, value in enumerate(standing._quote()):
                    quote_row[index] += sign * value
    _increment(
        LineCommentCount,
        ("version_id", "line"),
        _LINE_COLUMNS,
        [(*key, *row) for key, row in sorted(lines.items()) if any(row)],
    )
    _increment(
        VersionCountryCount,
        ("version_id", "country"),
        _COUNTRY_COLUMNS,
        [(*key, *row) for key, row in sorted(countries.items()) if any(row)],
    )
    _increment(
        LineQuoteCount,
        ("version_id", "language", "line", "quote_start", "quote_hash"),
        _QUOTE_COLUMNS,
        [(*key, phrases[key[-1]], *row) for key, row in sorted(quotes.items()) if any(row)],
        payload=("quote_exact",),
    )
    _increment(
        VersionCommentTotals,
        ("version_id",),
        _TOTAL_COLUMNS,
        [(key, *row) for key, row in sorted(totals.items()) if any(row)],
    )


def comment_counts_filed(comments: Sequence[Comment]) -> None:
    """Count comments just stored (no endorsement, no disposition yet)."""
    comment_counts_change((None, Standing.of(comment, read=False)) for comment in comments)


def _increment(
    model: type[models.Model],
    keys: tuple[str, ...],
    columns: tuple[str, ...],
    rows: Sequence[tuple[int | str, ...]],
    *,
    payload: tuple[str, ...] = (),
) -> None:
    """Add ``rows`` (keys, the ``payload`` columns written only when the row is created,
    then one increment per column) to the table, creating the rows it lacks: one INSERT ...
    ON CONFLICT DO UPDATE (PostgreSQL and SQLite alike) per 500 rows, in key order, so that
    concurrent writers lock rows in the same order."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = [connection.ops.quote_name(name) for name in (*keys, *payload, *columns)]
    counted = names[len(keys) + len(payload) :]
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in counted)
    placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[start : start + _ROWS_PER_STATEMENT]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 - names, not input
                f"VALUES {', '.join([placeholders] * len(chunk))} "
                f"ON CONFLICT ({', '.join(names[: len(keys)])}) DO UPDATE SET {updates}",
                [value for row in chunk for value in row],
            )


# The counts as the comments give them, for the versions the placeholder names (a rebuild) or
# every version (``{versions}`` left empty). The migrations that first filled the tables
# (0016, 0017) hold their own copies, as migrations must stand alone.
REBUILD_LINES_SQL = """
INSERT INTO comments_linecommentcount
    (version_id, line, public, restricted, public_endorsements, restricted_endorsements)
SELECT c.version_id, c.line_start,
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public' THEN 0 ELSE 1 END),
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public'
        THEN COALESCE(e.n, 0) ELSE 0 END),
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public'
        THEN 0 ELSE COALESCE(e.n, 0) END)
FROM comments_comment c
LEFT JOIN (
    SELECT comment_id, COUNT(*) AS n FROM comments_endorsement GROUP BY comment_id
) e ON e.comment_id = c.id
WHERE c.state <> 'withdrawn' {versions}
GROUP BY c.version_id, c.line_start
"""
REBUILD_COUNTRIES_SQL = """
INSERT INTO comments_versioncountrycount (version_id, country, public, restricted, withdrawn)
SELECT c.version_id, c.country,
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'hidden' OR (c.state = 'published' AND c.visibility <> 'public')
        THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'withdrawn' THEN 1 ELSE 0 END)
FROM comments_comment c
WHERE c.country <> '' {versions}
GROUP BY c.version_id, c.country
"""
REBUILD_TOTALS_SQL = """
INSERT INTO comments_versioncommenttotals
    (version_id, published, published_public, hidden, withdrawn, answered)
SELECT c.version_id,
    SUM(CASE WHEN c.state = 'published' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'hidden' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'withdrawn' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'published' AND d.id IS NOT NULL THEN 1 ELSE 0 END)
FROM comments_comment c
LEFT JOIN comments_disposition d ON d.comment_id = c.id
WHERE 1 = 1 {versions}
GROUP BY c.version_id
"""


@transaction.atomic
def comment_counts_rebuild(*, versions: Iterable[DraftVersion] | None = None) -> int:
    """Count the comments of ``versions`` (every version: None) afresh and replace their kept
    counts (three statements over the comments); answers how many versions have comments. On
    PostgreSQL the comments, endorsements and dispositions are locked against writes
    meanwhile, so that no change made during the count is lost."""
    lines, totals = LineCommentCount.objects.all(), VersionCommentTotals.objects.all()
    countries = VersionCountryCount.objects.all()
    quotes = LineQuoteCount.objects.all()
    quoting = Comment.objects.filter(state=State.PUBLISHED).exclude(quote_exact="")
    where, params = "", []
    if versions is not None:
        ids = [version.pk for version in versions]
        lines, totals = lines.filter(version_id__in=ids), totals.filter(version_id__in=ids)
        countries = countries.filter(version_id__in=ids)
        quotes = quotes.filter(version_id__in=ids)
        quoting = quoting.filter(version_id__in=ids)
        where = "AND c.version_id IN (" + ", ".join(["%s"] * len(ids)) + ")" if ids else "AND 0 = 1"
        params = ids
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(
                connection.ops.quote_name(model._meta.db_table)
                for model in (Comment, Endorsement, Disposition)
            )
            cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE")
        lines.delete()
        totals.delete()
        countries.delete()
        quotes.delete()
        cursor.execute(REBUILD_LINES_SQL.format(versions=where), params)
        cursor.execute(REBUILD_COUNTRIES_SQL.format(versions=where), params)
        cursor.execute(REBUILD_TOTALS_SQL.format(versions=where), params)
    _rebuild_quotes(quoting)
    return totals.count()


def _rebuild_quotes(quoting: "models.QuerySet[Comment]") -> None:
    """The kept quotes from the published comments that quote (one query; the phrases are
    keyed by their hash here, as SQLite has no MD5)."""
    public = Q(visibility=Comment.Visibility.PUBLIC)
    found = (
        quoting.values("version_id", "quote_language", "line_start", "quote_start", "quote_exact")
        .annotate(public=Count("pk", filter=public), restricted=Count("pk", filter=~public))
        .order_by()
    )
    LineQuoteCount.objects.bulk_create(
        (
            LineQuoteCount(
                version_id=row["version_id"],
                language=row["quote_language"],
                line=row["line_start"],
                quote_start=-1 if row["quote_start"] is None else row["quote_start"],
                quote_hash=quote_hash(row["quote_exact"]),
                quote_exact=row["quote_exact"],
                public=row["public"],
                restricted=row["restricted"],
            )
            for row in found.iterator(chunk_size=2000)
        ),
        batch_size=1000,
    )
