"""The comments API over HTTP, as API clients use it: gunicorn with 2 sync workers on the
committed test database (PostgreSQL only; see conftest.py).

* Bulk filing: 20,000 comments, 1,000 per request, from 2 concurrent clients, against a raw
  PostgreSQL ``COPY`` of the very same rows into the comments table, in alternating rounds
  from the same table state (see ingest.py), with where one request's time goes.
* Reading: the comment list (50 per page) against a plain Django JSON view of 50 rows, under
  the same load from the same client.

The figures are printed; only behaviour is asserted (every request answered 200, every comment
stored), never time.
"""

import json
import statistics
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.urls import reverse

from comments import services
from comments.inputs import read_comment_item
from comments.models import Comment

from . import ingest
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

BULK_BASE = 10_000  # comments the version holds before every measured side
BULK_COMMENTS = 20_000  # filed in each round, then COPYed in the same round
BULK_ROUNDS = 3
BULK_BATCH = 1_000
BULK_CLIENTS = 2
BULK_PHASE_REQUESTS = 5
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


def _bulk_round(gunicorn: GunicornServer, url: str, bodies: list[bytes], setting, key: str):
    """File ``bodies`` (1,000 comments each) from BULK_CLIENTS clients, each request with its
    own Idempotency-Key; the load result and the comments created."""
    created: dict[int, int] = {}
    refused: list[str] = []

    def check(index: int, status: int, content: bytes) -> None:
        if status == 200:
            created[index] = json.loads(content)["created"]
        else:
            refused.append(f"request {index}: {status} {content[:300]!r}")

    def request(index: int) -> tuple[str, str, bytes] | None:
        return ("POST", url, bodies[index]) if index < len(bodies) else None

    load = http_load(
        gunicorn.port,
        request,
        clients=BULK_CLIENTS,
        seconds=BULK_TIME_LIMIT,
        max_requests=len(bodies),
        headers={**setting.auth, "Content-Type": "application/json"},
        timeout=300,
        on_response=check,
        # One key per request and round: every request is a first attempt, recorded.
        request_headers=lambda index: {"Idempotency-Key": f"{key}-{index}"},
    )
    assert not load.failures, load.failures[:3]
    assert not refused, refused[:3]
    assert len(created) == len(bodies), f"{len(created)} of {len(bodies)} requests in time"
    return load, sum(created.values())


def _request_phases(client, url: str, body: bytes, setting, key: str) -> list[tuple[str, float]]:
    """One bulk request in this process, its steps timed, rolled back afterwards."""
    from rest_framework.renderers import JSONRenderer

    from comments.api import views
    from haip_portal.api import idempotency
    from haip_portal.api.parsers import JSONParser

    phases = ingest.Phases()
    targets = [
        (JSONParser, "parse", "parse"),
        (views, "read_items_with_papers", "read"),
        (idempotency, "_fingerprint", "idempotency"),
        (idempotency, "_claim", "idempotency"),
        (idempotency, "_complete", "idempotency"),
        (JSONRenderer, "render", "response"),
        *ingest.write_path_phases(),
    ]
    with phases.timing(*targets), transaction.atomic():
        started = time.perf_counter()
        response = client.post(
            url,
            body,
            content_type="application/json",
            headers={**setting.auth, "Idempotency-Key": key},
        )
        total = time.perf_counter() - started
        assert response.status_code == 200, response.content[:300]
        assert response.json()["created"] == BULK_BATCH
        transaction.set_rollback(True)
    seconds = phases.seconds
    parts = [
        ("parse: JSON body", seconds["parse"]),
        ("read: items from JSON", seconds["read"]),
        *ingest.service_lines(seconds),
        ("response: results rendered as JSON", seconds["response"]),
        ("idempotency: fingerprint, record, answer kept", seconds["idempotency"]),
    ]
    rest = total - sum(part for _name, part in parts)
    return [*parts, ("request, rest: auth, throttles, middleware", rest), ("whole", total)]


def test_bulk_endpoint_against_copy(gunicorn: GunicornServer, client, report):
    setting = api_setting(slug="bench-bulk")
    version_id = setting.version.pk
    url = reverse("comments_api:bulk_comments", args=[setting.version.draft.slug, 1])
    items = list(comment_items(setting, BULK_BASE + BULK_COMMENTS, prefix="bulk"))

    def bodies_of(chunk: list) -> list[bytes]:
        return [
            json.dumps(chunk[start : start + BULK_BATCH]).encode()
            for start in range(0, len(chunk), BULK_BATCH)
        ]

    base_bodies = bodies_of(items[:BULK_BASE])
    bodies = bodies_of(items[BULK_BASE:])
    # The base rows, filed through the endpoint (which warms gunicorn's workers up too).
    _load, created = _bulk_round(gunicorn, url, base_bodies, setting, "base")
    assert created == BULK_BASE
    base = ingest.last_number(version_id)

    api_rates, copy_rates, latencies = [], [], []
    for round_ in range(BULK_ROUNDS):
        ingest.vacuum_analyze()
        load, created = _bulk_round(gunicorn, url, bodies, setting, f"round{round_}")
        assert created == BULK_COMMENTS
        api_rates.append(BULK_COMMENTS / load.seconds)
        latencies.append(load.latency_ms(0.5))
        rows = ingest.rows_after(version_id, base)
        assert len(rows) == BULK_COMMENTS
        assert ingest.delete_after(version_id, base) == BULK_COMMENTS
        ingest.vacuum_analyze()
        copy_rates.append(len(rows) / ingest.copy_rows(rows))
        assert ingest.delete_after(version_id, base) == BULK_COMMENTS
    ingest.vacuum_analyze()
    runs = [
        _request_phases(client, url, body, setting, f"phases-{index}")
        for index, body in enumerate(bodies[:BULK_PHASE_REQUESTS])
    ]
    assert Comment.objects.filter(version=setting.version).count() == BULK_BASE

    body_kb = sum(len(body) for body in bodies) / len(bodies) / 1024
    shape = (
        f"{BULK_ROUNDS} alternating rounds of {BULK_COMMENTS:,} into a version holding "
        f"{BULK_BASE:,}, VACUUM ANALYZE before each side; {db_label()}"
    )
    report(
        f"bulk API     {shape}, gunicorn {GUNICORN_WORKERS} workers, {BULK_CLIENTS} clients × "
        f"{BULK_BATCH:,} per request with an Idempotency-Key (body {body_kb:,.0f} KB): "
        f"median {ingest.median_spread(api_rates)} comments/s; per request median "
        f"{statistics.median(latencies):,.0f} ms"
    )
    report(
        f"COPY         the same rows, same columns into {Comment._meta.db_table}, same table "
        f"state: median {ingest.median_spread(copy_rates)} rows/s"
    )
    report(ingest.ratio_line("bulk API", api_rates, copy_rates))
    report(
        f"bulk API     where one request's time goes (in-process, {len(runs)} requests of "
        f"{BULK_BATCH:,}, medians, rolled back):\n"
        + "\n".join(ingest.breakdown_lines(runs, "whole"))
    )


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
