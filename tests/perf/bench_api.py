"""The comments API over HTTP, as API clients use it: gunicorn with 2 sync workers on the
committed test database (PostgreSQL only; see conftest.py).

* Bulk filing: 100,000 comments, 1,000 per request, from 2 concurrent clients, against a raw
  PostgreSQL ``COPY`` of the very same rows into the comments table.
* Reading: the comment list (50 per page) against a plain Django JSON view of 50 rows, under
  the same load from the same client.

The figures are printed; only behaviour is asserted (every request answered 200, every comment
stored), never time.
"""

import json
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.urls import reverse

from comments import services
from comments.inputs import read_comment_item
from comments.models import Comment

from .conftest import (
    GUNICORN_WORKERS,
    GunicornServer,
    LoadResult,
    api_setting,
    comment_items,
    db_label,
    http_get,
    http_load,
)
from .http_urls import PLAIN_PATH

BULK_COMMENTS = 100_000
BULK_BATCH = 1_000
BULK_CLIENTS = 2
BULK_TIME_LIMIT = 420  # seconds; the run fails (not enough comments) rather than run on

LIST_COMMENTS = 5_000
LIST_PAGE_SIZE = 50
LIST_PAGES = 20  # distinct cursor pages the clients cycle through
LIST_CLIENTS = 4
LIST_ROUNDS = 2  # plain, API, plain, API…: each figure is the mean of its rounds
LIST_SECONDS = 6
LIST_WARMUP_SECONDS = 2
LIST_MAX_REQUESTS = 50_000
STALE_REQUESTS = 3


def _bar(value: float, bar: float, aim: float | None = None) -> str:
    verdict = "met" if value >= bar else "NOT met"
    text = f"bar ≥ {bar:.2f} {verdict}"
    if aim is not None:
        text += f", aim ≥ {aim:.2f} {'met' if value >= aim else 'not met'}"
    return text


# --- Bulk filing against COPY ---------------------------------------------------------------


def _copy_same_rows(version_id: int) -> tuple[int, float]:
    """Read back the rows the API stored, empty the table and ``COPY`` them in again (the same
    columns as the API's INSERT: every one but the id); returns rows and seconds (COPY and
    commit, the rows already in memory)."""
    columns = [field.column for field in Comment._meta.concrete_fields if not field.primary_key]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {names} FROM {table} WHERE version_id = %s ORDER BY id",
            [version_id],
        )
        rows = cursor.fetchall()
        # Empty, as it was when the API began. CASCADE reaches only replies, endorsements and
        # the like, none of which this test made; the whole database is flushed afterwards.
        cursor.execute(f"TRUNCATE {table} CASCADE")
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    seconds = time.perf_counter() - started
    assert Comment.objects.filter(version_id=version_id).count() == len(rows)
    return len(rows), seconds


def test_bulk_endpoint_against_copy(gunicorn: GunicornServer, report):
    setting = api_setting(slug="bench-bulk")
    items = list(comment_items(setting, BULK_COMMENTS, prefix="bulk"))
    bodies = [
        json.dumps(items[start : start + BULK_BATCH]).encode()
        for start in range(0, BULK_COMMENTS, BULK_BATCH)
    ]
    url = reverse("comments_api:bulk_comments", args=[setting.version.draft.slug, 1])
    created: dict[int, int] = {}
    refused: list[str] = []

    def check(index: int, status: int, content: bytes) -> None:
        if status == 200:
            created[index] = json.loads(content)["created"]
        else:
            refused.append(f"request {index}: {status} {content[:300]!r}")

    load = http_load(
        gunicorn.port,
        lambda index: ("POST", url, bodies[index]) if index < len(bodies) else None,
        clients=BULK_CLIENTS,
        seconds=BULK_TIME_LIMIT,
        max_requests=len(bodies),
        headers={**setting.auth, "Content-Type": "application/json"},
        timeout=300,
        on_response=check,
    )
    gunicorn.stop()  # the CPUs to PostgreSQL alone for the COPY

    assert not load.failures, load.failures[:3]
    assert not refused, refused[:3]
    assert len(created) == len(bodies), f"{len(created)} of {len(bodies)} requests in time"
    assert sum(created.values()) == BULK_COMMENTS
    assert Comment.objects.filter(version=setting.version).count() == BULK_COMMENTS
    api_rate = BULK_COMMENTS / load.seconds

    rows, copy_seconds = _copy_same_rows(setting.version.pk)
    copy_rate = rows / copy_seconds
    ratio = api_rate / copy_rate
    body_kb = sum(len(body) for body in bodies) / len(bodies) / 1024
    report(
        f"bulk API     {BULK_COMMENTS:,} comments [{db_label()}, gunicorn {GUNICORN_WORKERS} "
        f"workers, {BULK_CLIENTS} clients × {BULK_BATCH:,} per request]: "
        f"{api_rate:,.0f} comments/s ({load.seconds:.1f} s; per request median "
        f"{load.latency_ms(0.5):,.0f} ms, p95 {load.latency_ms(0.95):,.0f} ms, "
        f"body {body_kb:,.0f} KB)"
    )
    report(
        f"COPY         {rows:,} rows, same columns into {Comment._meta.db_table}: "
        f"{copy_rate:,.0f} rows/s ({copy_seconds:.2f} s)"
    )
    report(f"bulk API / COPY = {ratio:.3f} ({_bar(ratio, 0.10, 0.25)})")


# --- Comment list against a plain JSON view ---------------------------------------------------


def _file_comments(setting, count: int) -> None:
    """``count`` comments through the service (as the bulk endpoint stores them)."""
    items = list(comment_items(setting, count, prefix="list"))
    for start in range(0, count, 1_000):
        services.comments_submit_batch(
            version=setting.version,
            author=setting.user,
            items=[read_comment_item(raw) for raw in items[start : start + 1_000]],
            channel=Comment.Channel.API,
        )


def _page_paths(server: GunicornServer, first: str, headers: dict[str, str]) -> list[str]:
    """The first LIST_PAGES pages of the list, following the ``next`` cursors."""
    paths, path = [], first
    while path and len(paths) < LIST_PAGES:
        status, content = http_get(server.port, path, headers)
        assert status == 200, content[:300]
        page = json.loads(content)
        assert len(page["results"]) == LIST_PAGE_SIZE
        paths.append(path)
        path = ""
        if page.get("next"):
            parts = urlsplit(page["next"])
            path = f"{parts.path}?{parts.query}"
    return paths


def _measure(
    server: GunicornServer,
    paths: list[str],
    headers: dict[str, str],
    seconds: float,
    check: Callable[[int, int, bytes], None] | None = None,
) -> LoadResult:
    return http_load(
        server.port,
        lambda index: ("GET", paths[index % len(paths)], None),
        clients=LIST_CLIENTS,
        seconds=seconds,
        max_requests=LIST_MAX_REQUESTS,
        headers=headers,
        timeout=60,
        on_response=check,
    )


def test_comment_list_against_plain_json_view(gunicorn: GunicornServer, report):
    setting = api_setting(slug="bench-list")
    _file_comments(setting, LIST_COMMENTS)
    first = (
        reverse("comments_api:version_comments", args=[setting.version.draft.slug, 1])
        + f"?page_size={LIST_PAGE_SIZE}"
    )
    # Right after the insert the planner's statistics still say the version has a handful of
    # comments: a few pages then, and the rest measured on statistics as autovacuum soon has
    # them.
    stale = []
    for _ in range(STALE_REQUESTS):
        started = time.perf_counter()
        status, _content = http_get(gunicorn.port, first, setting.auth)
        stale.append(time.perf_counter() - started)
        assert status == 200
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Comment._meta.db_table}")
    api_paths = _page_paths(gunicorn, first, setting.auth)
    plain_paths = [PLAIN_PATH]
    sizes: dict[str, int] = {}

    def sized(name: str) -> Callable[[int, int, bytes], None]:
        def check(_index: int, status: int, content: bytes) -> None:
            sizes[name] = len(content)

        return check

    runs: dict[str, list[LoadResult]] = {"plain": [], "api": []}
    targets = {"plain": (plain_paths, {}), "api": (api_paths, setting.auth)}
    for name, (paths, headers) in targets.items():
        warm = _measure(gunicorn, paths, headers, LIST_WARMUP_SECONDS, sized(name))
        assert set(warm.statuses) == {200}, (name, warm.statuses, gunicorn.output()[-2000:])
    for _round in range(LIST_ROUNDS):
        for name, (paths, headers) in targets.items():
            run = _measure(gunicorn, paths, headers, LIST_SECONDS)
            assert not run.failures, run.failures[:3]
            assert set(run.statuses) == {200}, (name, run.statuses)
            runs[name].append(run)

    def rate(name: str) -> float:
        return sum(run.requests for run in runs[name]) / sum(run.seconds for run in runs[name])

    def latency(name: str, fraction: float) -> float:
        return max(run.latency_ms(fraction) for run in runs[name])

    ratio = rate("api") / rate("plain")
    shape = (
        f"[{db_label()}, gunicorn {GUNICORN_WORKERS} workers, {LIST_CLIENTS} clients, "
        f"{LIST_ROUNDS} × {LIST_SECONDS} s]"
    )
    report(
        f"list API     {LIST_PAGE_SIZE} of {LIST_COMMENTS:,} comments per page "
        f"({len(api_paths)} cursor pages, Bearer token) {shape}: {rate('api'):,.0f} requests/s "
        f"(median {latency('api', 0.5):,.1f} ms, p95 {latency('api', 0.95):,.1f} ms, "
        f"{sizes['api'] / 1024:,.0f} KB)"
    )
    report(
        f"plain view   {LIST_PAGE_SIZE} rows of values() in a JsonResponse {shape}: "
        f"{rate('plain'):,.0f} requests/s (median {latency('plain', 0.5):,.1f} ms, "
        f"p95 {latency('plain', 0.95):,.1f} ms, {sizes['plain'] / 1024:,.0f} KB)"
    )
    report(f"list API / plain view = {ratio:.3f} ({_bar(ratio, 0.15, 0.30)})")
    report(
        f"list API     first page before ANALYZE (statistics of an empty table): "
        f"min {min(stale) * 1000:,.0f} ms of {STALE_REQUESTS} requests, one at a time"
    )
