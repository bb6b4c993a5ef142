"""The pages of a version with 1,000,000 comments beside the same pages at 20,000
(PostgreSQL only; ``-k million`` picks it).

Each draft (2,000 lines) is built through the services; the comments are written straight in
SQL (``INSERT ... SELECT`` over ``generate_series``: public and confidential, hidden and
withdrawn, 40 organisations in 6 countries, one in 20 quoting its line, endorsements and
dispositions on some), and the kept counts are then rebuilt by ``comment_counts_rebuild``, as
an operator would after loading comments from outside the services. Everything happens inside
the test's transaction and is rolled back.

Timed, with their query counts and the slowest query: the draft page (anonymous, an
organisation's member, the secretariat), the API list's first page and its 100th (cursor links
followed), and the secretariat's comment matrix (first page and page 100). Figures are
printed, never asserted; the machine may be shared, so compare the two sizes of one run.
"""

import json
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services
from comments.models import Comment, VersionCommentCounter
from comments.secretariat_selectors import matrix_counts
from tests.comments.factories import member_of, representative_of, verified_organisation
from tests.conftest import login_with_two_factor
from tests.drafts.factories import make_draft, publish

from .conftest import (
    LINE_ELEMENT,
    db_label,
    production_template_rendering,
    require_postgres,
    source_of,
)

COMMENTS = 1_000_000
SMALL = 20_000  # the same pages at this size first, for comparison
ORGANISATIONS = 40
API_PAGES = 100

# Columns every comment row needs; the values are chosen from the row's number g.
COMMENTS_SQL = """
INSERT INTO comments_comment (
    version_id, section_id, number, reference, line_start, line_end, quote_exact,
    quote_prefix, quote_suffix, quote_start, quote_language, kind, stance, body,
    proposed_text, visibility, language, state, state_reason, channel, external_id,
    content_hash, author_id, organisation_id, stakeholder_type, country, edited_at,
    receipt_sent_at, created_at, updated_at
)
SELECT
    %(version)s, l.section_id, g, %(prefix)s || lpad(g::text, 7, '0'), l.number, l.number,
    CASE WHEN g %% 20 = 5 THEN left(l.text, 16) ELSE '' END, '', '',
    CASE WHEN g %% 20 = 5 THEN 0 END, '',
    (ARRAY['general', 'technical', 'editorial'])[1 + g %% 3],
    (ARRAY['', 'support', 'oppose', 'amend'])[1 + g %% 4],
    'Comment ' || g || ': the measure should say who is accountable for it.',
    '',
    CASE WHEN g %% 10 = 0 THEN 'confidential' ELSE 'public' END,
    'en',
    CASE WHEN g %% 100 = 7 THEN 'withdrawn' WHEN g %% 50 = 3 THEN 'hidden' ELSE 'published' END,
    CASE WHEN g %% 50 = 3 THEN 'Advertising.' ELSE '' END,
    'bulk', '', md5(g::text),
    a.author_id, a.organisation_id, a.stakeholder_type, a.country,
    NULL, NULL,
    now() - make_interval(secs => %(count)s - g), now() - make_interval(secs => %(count)s - g)
FROM generate_series(1, %(count)s) AS g
JOIN drafts_line l ON l.version_id = %(version)s AND l.number = 1 + (g / 3) %% %(lines)s
JOIN bench_authors a ON a.slot = g %% %(organisations)s
"""


def _build_comments(version, secretariat, count: int) -> dict[str, float]:
    """``count`` comments on ``version``, with endorsements and dispositions; the seconds each
    step took."""
    seconds: dict[str, float] = {}
    authors = []
    for slot in range(ORGANISATIONS):
        organisation = verified_organisation(
            name=f"Organisation {slot} of {version.draft.slug}",
            country=("JP", "FR", "DE", "IT", "CA", "US")[slot % 6],
        )
        authors.append((slot, representative_of(organisation).pk, organisation))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_authors")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_authors (slot int, author_id bigint, "
            "organisation_id bigint, stakeholder_type text, country text) ON COMMIT DROP"
        )
        cursor.executemany(
            "INSERT INTO bench_authors VALUES (%s, %s, %s, %s, %s)",
            [
                (
                    slot,
                    author,
                    organisation.pk,
                    str(organisation.stakeholder_type),
                    str(organisation.country),
                )
                for slot, author, organisation in authors
            ],
        )
        cursor.execute(
            COMMENTS_SQL,
            {
                "version": version.pk,
                "prefix": f"{version.draft.reference_prefix}-V{version.number}-",
                "count": count,
                "lines": version.line_count,
                "organisations": ORGANISATIONS,
            },
        )
        seconds["comments"] = time.perf_counter() - started
        started = time.perf_counter()
        # Every 13th published public comment endorsed by the next organisation along; every
        # 7th comment answered.
        cursor.execute(
            "INSERT INTO comments_endorsement (comment_id, organisation_id, endorsed_by_id, "
            "created_at) SELECT c.id, b.organisation_id, b.author_id, now() "
            "FROM comments_comment c JOIN bench_authors b "
            "ON b.slot = (c.number + 1) %% %s "
            "WHERE c.version_id = %s AND c.number %% 13 = 0 AND c.state = 'published' "
            "AND c.visibility = 'public'",
            [ORGANISATIONS, version.pk],
        )
        cursor.execute(
            "INSERT INTO comments_disposition (comment_id, outcome, response, decided_by_id, "
            "decided_at) SELECT id, 'noted', 'Noted.', %s, now() FROM comments_comment "
            "WHERE version_id = %s AND number %% 7 = 0",
            [secretariat.pk, version.pk],
        )
        seconds["endorsements and dispositions"] = time.perf_counter() - started
    VersionCommentCounter.objects.update_or_create(version=version, defaults={"last_number": count})
    started = time.perf_counter()
    services.comment_counts_rebuild(versions=[version])
    seconds["counts rebuilt"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment, comments_endorsement, comments_disposition")
    seconds["analyze"] = time.perf_counter() - started
    return seconds


def _next_path(response) -> str:
    link = response.json()["next"]
    assert link, "the list ended early"
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@dataclass(frozen=True)
class Timed:
    content: bytes
    status_code: int
    queries: int
    median_ms: float
    min_ms: float
    rounds: int
    slowest: str  # the slowest query of the first request: its time and its start


def _time(client, url: str, *, rounds: int) -> Timed:
    """GET ``url`` once counting its queries (also the warm-up), then ``rounds`` times timed.
    (pytest-benchmark's fixture times one thing per test; this test times several pages.)"""
    with production_template_rendering(), CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    # Read now: the timed requests below reset connection.queries_log.
    query_count = len(queries)
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
    durations = []
    with production_template_rendering():
        for _ in range(rounds):
            started = time.perf_counter()
            response = client.get(url)
            durations.append(time.perf_counter() - started)
            assert response.status_code == first.status_code
    return Timed(
        first.content,
        first.status_code,
        query_count,
        statistics.median(durations) * 1000,
        min(durations) * 1000,
        rounds,
        f"{float(slowest['time']) * 1000:,.0f} ms {slowest['sql'][:70]}",
    )


def _draft(slug: str):
    """A published draft of 2,000 lines (as tests/perf/bench_draft_page.py builds it)."""
    source, _generator = source_of(2_000)
    draft = make_draft(slug=slug, title=f"Benchmark draft {slug}", source=source)
    return publish(draft.versions.get(number=1), changelog="")


def test_million_comments_pages(db, client, report, secretariat_user):
    """The same pages for a version of 20,000 comments and one of 1,000,000, side by side."""
    require_postgres()  # the build and the kept counts' upserts are PostgreSQL's
    cache.clear()  # the throttles count in the cache: start from nothing
    for count in (SMALL, COMMENTS):
        version = _draft(f"bench-{count}")
        started = time.perf_counter()
        steps = _build_comments(version, secretariat_user, count)
        total_build = time.perf_counter() - started
        assert Comment.objects.filter(version=version).count() == count
        counts = matrix_counts(version)
        report(
            f"{count:,} comments [{db_label()}]: built in {total_build:,.1f} s ("
            + ", ".join(f"{name} {value:,.1f} s" for name, value in steps.items())
            + f"); matrix counts {counts.published:,} published, {counts.answered:,} "
            f"answered, {counts.hidden:,} hidden"
        )
        _time_pages(client, report, version, secretariat_user, f"{count:>9,}")


def _time_pages(client, report, version, secretariat, label: str) -> None:
    slug = version.draft.slug
    draft_url = reverse("drafts:version_detail", kwargs={"slug": slug, "number": 1})
    member = member_of(Comment.objects.filter(version=version).first().organisation)
    viewers = [("anonymous", None), ("member", member), ("secretariat", secretariat)]
    for who, viewer in viewers:
        client.logout()
        if viewer is not None:
            login_with_two_factor(client, viewer)
        run = _time(client, draft_url, rounds=5)
        assert run.status_code == 200
        html = run.content.decode()
        assert len(LINE_ELEMENT.findall(html)) == version.line_count
        assert html.count('class="note-count"') == version.line_count  # every line commented
        report(
            f"{label}: draft page ({who:>11}): median {run.median_ms:,.1f} ms "
            f"(min {run.min_ms:,.1f}, {run.rounds} rounds), {run.queries} queries"
            f" (slowest: {run.slowest})"
        )

    client.logout()
    api_url = reverse("comments_api:version_comments", kwargs={"slug": slug, "number": 1})
    first = _time(client, api_url, rounds=5)
    assert first.status_code == 200
    report(
        f"{label}: API list page   1: median {first.median_ms:,.1f} ms "
        f"(min {first.min_ms:,.1f}, {first.rounds} rounds), {first.queries} queries"
        f" (slowest: {first.slowest})"
    )
    path = api_url
    for _ in range(API_PAGES - 1):
        path = _next_path(client.get(path))
    last = _time(client, path, rounds=5)
    assert last.status_code == 200
    assert len(json.loads(last.content)["results"]) == 50
    report(
        f"{label}: API list page {API_PAGES}: median {last.median_ms:,.1f} ms "
        f"(min {last.min_ms:,.1f}, {last.rounds} rounds), {last.queries} queries"
        f" (slowest: {last.slowest})"
    )

    login_with_two_factor(client, secretariat)
    matrix_url = reverse("comments:matrix", kwargs={"slug": slug, "number": 1})
    for page in (1, 100):
        run = _time(client, f"{matrix_url}?page={page}", rounds=3)
        assert run.status_code == 200
        assert run.content.decode().count('name="comments"') >= 100
        report(
            f"{label}: matrix page {page:>3}: median {run.median_ms:,.1f} ms "
            f"(min {run.min_ms:,.1f}, {run.rounds} rounds), {run.queries} queries"
            f" (slowest: {run.slowest})"
        )
