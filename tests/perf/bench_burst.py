"""One organisation's burst of a million comments against another's steady filing, over HTTP
as API clients send them (gunicorn with 2 sync workers, PostgreSQL and Redis; see conftest.py).

The bursting organisation sends 1,000 requests of 1,000 comments, a million, on the version
another organisation files on at its own pace (one client, 1,000-comment requests). It files
as anyone would until its organisation's limit (``API_ORGANISATION_COMMENTS_RATE``, set low
here so that the burst meets it within the run; the token limits are raised out of the way),
then goes on from three members' tokens at once, each sending as fast as the answers come
back, while the other organisation files. Printed: the other organisation's filing alone and
while the burst is being refused (comments/s, latency), what the burst got through, and how
fast its requests were refused.

Only behaviour is asserted: every request of the steady client filed, the burst's comments
stored exactly as many as its limit let through, every other answer a 429.
"""

import json
import threading
from collections import Counter

from django.urls import reverse

from accounts.models import ApiToken
from comments.models import Comment
from tests.accounts.factories import make_token
from tests.comments.factories import representative_of, verified_organisation

from .conftest import ApiSetting as Setting
from .conftest import (
    GunicornServer,
    LoadResult,
    api_setting,
    comment_items,
    db_label,
    free_port,
    http_load,
    require_postgres,
    server_env,
)

BATCH = 1_000
BURST_REQUESTS = 1_000  # a million comments
BURST_MEMBERS = 3
BURST_LIMIT = 50_000  # comments per hour for each organisation (the steady one files 40,000)
STEADY_REQUESTS = 20
TIME_LIMIT = 600


def _bodies(setting: Setting, count: int, prefix: str) -> list[bytes]:
    items = list(comment_items(setting, count * BATCH, prefix=prefix))
    return [json.dumps(items[n : n + BATCH]).encode() for n in range(0, len(items), BATCH)]


def _steady(server: GunicornServer, url: str, setting: Setting, prefix: str) -> LoadResult:
    bodies = _bodies(setting, STEADY_REQUESTS, prefix)
    return http_load(
        server.port,
        lambda index: ("POST", url, bodies[index]),
        clients=1,
        seconds=TIME_LIMIT,
        max_requests=len(bodies),
        headers={**setting.auth, "Content-Type": "application/json"},
        timeout=300,
    )


def _line(name: str, load: LoadResult) -> str:
    rate = load.statuses[200] * BATCH / load.seconds if load.seconds else 0.0
    return (
        f"{name}: {rate:,.0f} comments/s over {load.seconds:.1f} s; per request median "
        f"{load.latency_ms(0.5):,.0f} ms, p95 {load.latency_ms(0.95):,.0f} ms"
    )


def test_a_burst_of_a_million_from_one_organisation(committed_db, tmp_path, report):
    require_postgres(redis=True)
    steady = api_setting(slug="bench-burst")
    bursting = verified_organisation(name="Bench burst organisation")
    members = [representative_of(bursting) for _ in range(BURST_MEMBERS)]
    tokens = [
        make_token(
            user=member,
            name="burst",
            scopes=(ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE),
        )[1]
        for member in members
    ]
    burst = Setting(steady.version, bursting, members[0], tokens[0], steady.lines)
    # Distinct comments for the requests the limit lets through; the refused ones repeat them.
    burst_bodies = _bodies(burst, BURST_LIMIT // BATCH + 2, "burst")
    url = reverse("comments_api:bulk_comments", args=[steady.version.draft.slug, 1])

    server = GunicornServer(port=free_port(), log=tmp_path / "gunicorn.log")
    server.start(
        server_env(tmp_path, API_ORGANISATION_COMMENTS_RATE=f"{BURST_LIMIT}/hour")
    ).wait_ready()
    created: Counter = Counter()
    lock = threading.Lock()

    def counted(_index: int, status: int, content: bytes) -> None:
        if status == 200:
            with lock:
                created["comments"] += json.loads(content)["created"]

    def member_burst(token: str, requests: int, loads: list[LoadResult]) -> None:
        load = http_load(
            server.port,
            lambda index: ("POST", url, burst_bodies[index % len(burst_bodies)]),
            clients=1,
            seconds=TIME_LIMIT,
            max_requests=requests,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            timeout=300,
            on_response=counted,
        )
        with lock:
            loads.append(load)

    try:
        alone = _steady(server, url, steady, "alone")
        # The burst begins: it files as anyone would until its organisation's limit...
        within: list[LoadResult] = []
        member_burst(tokens[0], BURST_LIMIT // BATCH + 1, within)
        # ...and goes on, from all its members' tokens, while the other organisation files.
        beyond: list[LoadResult] = []
        rest = BURST_REQUESTS - within[0].requests
        threads = [
            threading.Thread(target=member_burst, args=(token, rest // len(tokens) + 1, beyond))
            for token in tokens
        ]
        for thread in threads:
            thread.start()
        during = _steady(server, url, steady, "during")
        for thread in threads:
            thread.join()
    finally:
        server.stop()

    assert alone.statuses == {200: STEADY_REQUESTS} and not alone.failures
    assert during.statuses == {200: STEADY_REQUESTS} and not during.failures
    burst_loads = within + beyond
    statuses = sum((load.statuses for load in burst_loads), Counter())
    assert set(statuses) <= {200, 429}, statuses
    assert not any(load.failures for load in burst_loads)
    assert within[0].statuses[200] == BURST_LIMIT // BATCH  # then its first refusal
    assert set(sum((load.statuses for load in beyond), Counter())) == {429}
    stored = Comment.objects.filter(organisation=bursting).count()
    assert stored == created["comments"] <= BURST_LIMIT
    refused = [latency for load in burst_loads for latency in load.by_status.get(429, [])]
    sent = sum(load.requests for load in burst_loads)
    burst_seconds = within[0].seconds + max(load.seconds for load in beyond)
    refused.sort()
    report(
        f"burst [{db_label()}, gunicorn 2 workers]: one organisation, {BURST_MEMBERS} tokens, "
        f"{sent:,} requests of {BATCH:,} ({sent * BATCH:,} comments) in {burst_seconds:.1f} s; "
        f"{stored:,} filed (its limit {BURST_LIMIT:,}/hour), {statuses[429]:,} requests "
        f"refused (429), median {_ms(refused, 0.5)} ms, p95 {_ms(refused, 0.95)} ms"
    )
    report(_line("another organisation alone        ", alone))
    report(_line("another organisation, burst refused", during))
    alone_rate = alone.statuses[200] / alone.seconds
    during_rate = during.statuses[200] / during.seconds
    report(f"its filing during the burst / alone = {during_rate / alone_rate:.2f}")


def _ms(ordered: list[float], fraction: float) -> str:
    if not ordered:
        return "-"
    return f"{ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000:,.0f}"
