"""Filing comments against ``COPY`` of the same rows into the same table: the pieces the bulk
endpoint's and the upload worker's benchmarks share.

Both sides are measured from the same table state, in rounds that alternate (filing, then
``COPY``, then filing again…): before each measured side the version holds the same base rows
and nothing else, and ``VACUUM ANALYZE`` has run, so neither side inherits the other's dead rows
or stale statistics. Each figure is the median of its rounds, printed with its spread (min–max).

Where the time of one filing goes is measured in this process (:class:`Phases`): the steps of
the write path are wrapped with timers while a real request (or chunk) runs.
"""

import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

from django.db import connection, transaction

from comments.models import Comment


def _table() -> str:
    return connection.ops.quote_name(Comment._meta.db_table)


def _copy_columns() -> list[str]:
    """Every column but the id (the table's sequence gives it, as to an INSERT)."""
    return [field.column for field in Comment._meta.concrete_fields if not field.primary_key]


def _names() -> str:
    return ", ".join(connection.ops.quote_name(column) for column in _copy_columns())


def vacuum_analyze() -> None:
    """``VACUUM ANALYZE`` of the comments table (autocommit: the benchmarks' committed db)."""
    assert not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {_table()}")


def rows_after(version_id: int, number: int) -> list[tuple[Any, ...]]:
    """The stored rows of the version numbered after ``number``, in the order filed, in
    :func:`copy_rows`'s columns."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_names()} FROM {_table()} WHERE version_id = %s AND number > %s ORDER BY id",
            [version_id, number],
        )
        return cursor.fetchall()


def delete_after(version_id: int, number: int) -> int:
    """Delete the version's comments numbered after ``number`` (and the readings of them the
    worker made): back to the base rows. Returns how many comments went."""
    from comments.digests.models import CommentReading

    readings = CommentReading.objects.filter(
        comment__version_id=version_id, comment__number__gt=number
    )
    readings.delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_table()} WHERE version_id = %s AND number > %s", [version_id, number]
        )
        return cursor.rowcount


def copy_rows(rows: list[tuple[Any, ...]]) -> float:
    """``COPY`` ``rows`` into the comments table in one transaction; the seconds it took
    (COPY and commit, the rows already in memory)."""
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy(f"COPY {_table()} ({_names()}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    return time.perf_counter() - started


def last_number(version_id: int) -> int:
    return (
        Comment.objects.filter(version_id=version_id)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    )


def median_spread(values: list[float]) -> str:
    """``median (min–max)`` of rates, as whole numbers."""
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"


def ratio_line(name: str, rates: list[float], copy_rates: list[float]) -> str:
    """``name / COPY``: the ratio of the medians and the median of the rounds' own ratios,
    each round's ratio, and the verdict on the lower of the two (bar 0.25, aim 0.40)."""
    ratios = [rate / copy for rate, copy in zip(rates, copy_rates, strict=True)]
    of_medians = statistics.median(rates) / statistics.median(copy_rates)
    of_rounds = statistics.median(ratios)
    lower = min(of_medians, of_rounds)
    return (
        f"{name} / COPY = {of_medians:.3f} of the medians, {of_rounds:.3f} median of the rounds "
        f"(" + ", ".join(f"{ratio:.3f}" for ratio in ratios) + f"): bar ≥ 0.25 "
        f"{'met' if lower >= 0.25 else 'NOT met'}, aim ≥ 0.40 "
        f"{'met' if lower >= 0.40 else 'not met'}"
    )


class Phases:
    """Seconds spent in named steps, summed over the calls made while :meth:`timing` is on.

    ``timing`` takes ``(owner, attribute, phase)`` triples: each attribute (a function of a
    module, a method of a class) is replaced by a timed wrapper for the duration."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def _timed(self, original: Callable[..., Any], phase: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[phase] += time.perf_counter() - started

        return timed

    @contextmanager
    def timing(self, *targets: tuple[Any, str, str]) -> Iterator["Phases"]:
        with ExitStack() as stack:
            for owner, name, phase in targets:
                original = getattr(owner, name)
                stack.enter_context(mock.patch.object(owner, name, self._timed(original, phase)))
            yield self


def write_path_phases() -> list[tuple[Any, str, str]]:
    """The steps of filing a batch that :class:`Phases` times, wherever they are called from
    (the bulk endpoint or the upload worker)."""
    from comments.services import bulk, paper_uploads, submit

    return [
        (paper_uploads, "comments_submit_batch", "service"),  # the endpoint's way in
        (bulk.submit, "comments_submit_batch", "service"),  # the worker's
        (submit._Filing, "load", "load"),
        (submit._Filing, "check", "checks"),
        (submit, "_store", "store"),
        (submit, "comments_insert", "insert"),
        (submit, "comment_text_stored", "hooks"),
    ]


def service_lines(seconds: dict[str, float]) -> list[tuple[str, float]]:
    """The service's phases, named as the note names them, from :class:`Phases`' sums."""
    store, insert, hooks = seconds["store"], seconds["insert"], seconds["hooks"]
    return [
        ("load: lines, organisations, external ids used", seconds["load"]),
        ("checks: text, anchors, rights, duplicates", seconds["checks"]),
        ("numbering: the version's counter, references", store - insert - hooks),
        ("insert: the rows and their indexes", insert),
        ("hooks: readings queued", hooks),
        (
            "service, rest: version, period, results",
            seconds["service"] - seconds["load"] - seconds["checks"] - store,
        ),
    ]


def breakdown_lines(runs: list[list[tuple[str, float]]], total: str) -> list[str]:
    """Each phase's median milliseconds over ``runs`` and its share of the median of the
    phase named ``total``."""
    medians = {
        name: statistics.median(dict(run)[name] for run in runs) for name, _seconds in runs[0]
    }
    whole = medians[total]
    return [
        f"  {name:<50} {median * 1000:8.1f} ms {median / whole:7.1%}"
        for name, median in medians.items()
    ]
