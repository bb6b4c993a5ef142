"""Shared pieces of the page benchmarks (``make bench``).

The files here are named ``bench_*.py``, so the normal test run (``python_files`` left at its
default ``test_*.py``) never collects them; ``make bench`` passes
``-o python_files='bench_*.py'``.

pyproject's ``addopts`` carries ``--benchmark-disable`` so that the normal test run never times
anything. When the command line names ``tests/perf`` (or something inside it), the
``pytest_configure`` hook below sets pytest-benchmark's own ``--benchmark-enable`` option before
pytest-benchmark reads it, so ``make bench`` times for real without a flag (passing
``--benchmark-enable`` by hand does the same; ``--benchmark-disable`` typed on the command line
itself, not via addopts, still wins, and the pages are then requested once each).

The benchmarks time whole requests through ``django.test.Client`` and print one summary line
per size; they assert behaviour (status, number of line elements), never time. Each test builds
its own draft through the real services inside the ``db`` fixture's transaction, which is rolled
back afterwards: published text is frozen by database triggers, so committed module-wide data
could not be cleaned up again.

The API benchmarks (bench_api.py, bench_bulk_worker.py) are the exception: gunicorn and a Celery
worker are other processes, so they use ``transactional_db`` (committed data, flushed with
TRUNCATE after the test, which the triggers allow) and need PostgreSQL, and Redis for the worker;
without them they skip, saying why. See "Over HTTP and in the worker" below.
"""

import http.client
import itertools
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.template.base import Template
from django.test.utils import CaptureQueriesContext, _TestState

from drafts import services
from drafts.markdown import MAX_SOURCE_BYTES
from drafts.models import DraftVersion
from tests.drafts.factories import make_draft, markdown_source, publish
from tests.processes import free_port
from tests.processes import stop_process_group as _stop_process_group
from tests.servers import process_tree as process_tree  # used by the benchmarks

PERF_DIR = Path(__file__).resolve().parent
SUMMARIES = pytest.StashKey[list[str]]()

# Numbered lines of markdown_source(): "# title" and the introduction, then per section its
# "## N." heading and its items, so 2 + sections * (1 + lines_per_section).
SHAPES = {
    200: (18, 10),  # 2 + 18 * 11 = 200
    2_000: (54, 36),  # 2 + 54 * 37 = 2,000
    20_000: (198, 100),  # 2 + 198 * 101 = 20,000
}

LINE_ELEMENT = re.compile(r'\bid="L\d+"')
DIFF_ROW = re.compile(r'<tr class="row-(?:equal|change|insert|delete)"')


def _inside_perf(arg: str, invocation_dir: Path) -> bool:
    path = Path(arg.split("::", 1)[0])
    if not path.is_absolute():
        path = invocation_dir / path
    path = path.resolve()
    return path == PERF_DIR or PERF_DIR in path.parents


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[SUMMARIES] = []
    invocation_dir = config.invocation_params.dir
    asked_to_disable = "--benchmark-disable" in config.invocation_params.args
    if not asked_to_disable and any(_inside_perf(arg, invocation_dir) for arg in config.args):
        # Read by pytest-benchmark's own pytest_configure, which runs after this one.
        config.option.benchmark_enable = True


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    summaries = config.stash.get(SUMMARIES, [])
    if summaries:
        terminalreporter.section("HAIP page benchmarks")
        for line in summaries:
            terminalreporter.write_line(line)


# --- Drafts of a given size --------------------------------------------------------------


def compact_source(*, sections: int, per: int, title: str = "Test code") -> str:
    """markdown_source()'s shape (title, introduction, ``## N.`` sections of list items) with
    shorter items, for sizes where markdown_source() would exceed the 1 MB source limit."""
    parts = [f"# {title}", "", "An introduction to the draft.", ""]
    for number in range(1, sections + 1):
        parts += [f"## {number}. Action number {number}", ""]
        parts += [f"- Practice {number}.{item}: measure {item}." for item in range(1, per + 1)]
        parts.append("")
    return "\n".join(parts)


def source_of(lines: int) -> tuple[str, str]:
    """A Markdown source with ``lines`` numbered lines, and the name of its generator."""
    sections, lines_per_section = SHAPES[lines]
    source = markdown_source(sections=sections, lines_per_section=lines_per_section)
    if len(source.encode()) <= MAX_SOURCE_BYTES:
        return source, "markdown_source"
    too_big = len(source.encode())
    source = compact_source(sections=sections, per=lines_per_section)
    return source, f"compact_source (markdown_source: {too_big:,} B > {MAX_SOURCE_BYTES:,} B)"


def revise_every_tenth_item(source: str) -> tuple[str, int]:
    """The source with every tenth list item reworded (same line count); and how many."""
    out, items, changed = [], 0, 0
    for line in source.split("\n"):
        if line.startswith("- "):
            items += 1
            if items % 10 == 0:
                line = line.removesuffix(".") + ", and publish the results."
                changed += 1
        out.append(line)
    return "\n".join(out), changed


@dataclass(frozen=True)
class BuiltDraft:
    slug: str
    versions: list[DraftVersion]
    generator: str
    source_bytes: int
    build_seconds: float


def build_draft(lines: int, *, revised: bool = False) -> BuiltDraft:
    """v1 (and with ``revised`` a v2 rewording ~10 % of lines), published via the services."""
    started = time.perf_counter()
    source, generator = source_of(lines)
    slug = f"bench-{lines}"
    draft = make_draft(slug=slug, title=f"Benchmark draft, {lines:,} lines", source=source)
    versions = [publish(draft.versions.get(number=1), changelog="")]
    if revised:
        new_source, _ = revise_every_tenth_item(source)
        v2 = services.version_create(draft=draft, source=new_source, created_by=None)
        versions.append(publish(v2, changelog="Every tenth practice now asks for publication."))
    return BuiltDraft(
        slug, versions, generator, len(source.encode()), time.perf_counter() - started
    )


# --- Timing a page -----------------------------------------------------------------------


@dataclass(frozen=True)
class PageRun:
    response_content: bytes
    status_code: int
    queries: int
    median_ms: float
    min_ms: float
    rounds: int


def db_label() -> str:
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10_000)
        return f"postgresql {major}.{minor}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"sqlite {sqlite3.sqlite_version}"
    return connection.vendor


@contextmanager
def production_template_rendering() -> Iterator[None]:
    """Render templates as outside tests while the pages are timed.

    The test environment wraps every ``Template._render`` so that the test client can copy the
    context of each template it renders (for ``response.context``). The compare page includes
    ``_segments.html`` twice per row, so that bookkeeping alone made it ~30-45 % slower at
    2,000 lines; the draft page (a handful of templates) hardly changes. Requests still go
    through django.test.Client and the whole middleware stack.
    """
    saved = getattr(_TestState, "saved_data", None)
    original = getattr(saved, "template_render", None)
    if original is None:  # not in a Django test environment: nothing to undo
        yield
        return
    with mock.patch.object(Template, "_render", original):
        yield


@pytest.fixture
def time_page(benchmark, client) -> Callable[..., PageRun]:
    """GET ``url`` once under CaptureQueriesContext (also the warm-up), then ``rounds`` timed
    rounds through pytest-benchmark. The median comes from our own perf_counter readings, so it
    is there even when pytest-benchmark is disabled."""

    def run(url: str, *, rounds: int) -> PageRun:
        with production_template_rendering(), CaptureQueriesContext(connection) as queries:
            first = client.get(url)
        # Count now: the timed requests below reset connection.queries_log.
        query_count = len(queries)
        durations: list[float] = []

        def get():
            started = time.perf_counter()
            response = client.get(url)
            durations.append(time.perf_counter() - started)
            return response

        with production_template_rendering():
            response = benchmark.pedantic(get, rounds=rounds, iterations=1, warmup_rounds=0)
        assert response.status_code == first.status_code
        return PageRun(
            response_content=first.content,
            status_code=first.status_code,
            queries=query_count,
            median_ms=statistics.median(durations) * 1000,
            min_ms=min(durations) * 1000,
            rounds=len(durations),
        )

    return run


@pytest.fixture
def report(request) -> Callable[[str], None]:
    """Print a summary line now and again in the end-of-run "HAIP page benchmarks" section."""

    def say(line: str) -> None:
        print(f"\n{line}")
        request.config.stash[SUMMARIES].append(line)

    return say


# --- Over HTTP and in the worker: gunicorn, a Celery worker, a load generator -------------
#
# bench_api.py and bench_bulk_worker.py run the portal as in production: gunicorn (two sync
# workers) and a real ``celery worker``, on the committed test database (``transactional_db``;
# the URL is passed as tests/conftest.py's _database_url() does). They need PostgreSQL (and
# Redis for the worker) and skip otherwise. Every process is started in its own session and
# stopped in a ``finally``; every loop is bounded in count and time.

GUNICORN_WORKERS = 2
# Far above anything the benchmarks send, so that throttling never answers 429. The request
# limit is per second: DRF's SimpleRateThrottle keeps one timestamp per request of its window
# in the cache, so a huge per-minute rate would make every request read and write a list of
# tens of thousands of entries, a cost production (600/minute) never has.
RAISED_RATES = {
    "API_REQUESTS_RATE": "1000000/second",
    "API_COMMENTS_RATE": "1000000000/hour",
    "API_ORGANISATION_COMMENTS_RATE": "1000000000/hour",
}
MB = 1024 * 1024


def require_postgres(*, redis: bool = False) -> None:
    """Skip, saying why, unless the database is PostgreSQL (and ``redis``: REDIS_URL is set)."""
    from django.conf import settings

    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs a PostgreSQL DATABASE_URL (this run uses {connection.vendor}): gunicorn and "
            "the worker are separate processes that read the committed test database"
        )
    if redis and not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the Celery worker takes its tasks from the Redis broker")


@pytest.fixture
def committed_db(transactional_db) -> None:
    """Data committed where other processes see it (flushed after the test); PostgreSQL only."""
    require_postgres()


@dataclass
class GunicornServer:
    """``gunicorn haip_portal.wsgi`` on 127.0.0.1 with tests/perf/http_settings.py."""

    port: int
    log: Path
    process: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> "GunicornServer":
        from tests.conftest import PROJECT_ROOT

        command = [
            sys.executable, "-m", "gunicorn", "haip_portal.wsgi:application",
            "--workers", str(GUNICORN_WORKERS), "--bind", f"127.0.0.1:{self.port}",
            "--timeout", "300", "--graceful-timeout", "10",
        ]  # fmt: skip
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, *, timeout: float = 60) -> None:
        """Until the server answers a request (any status), or fail with its log."""
        from .http_urls import PLAIN_PATH

        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited early:\n{self.output()}")
            connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                connection_.request("GET", PLAIN_PATH)
                connection_.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
            finally:
                connection_.close()
        raise AssertionError(f"gunicorn did not answer within {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        if self.process is not None:
            _stop_process_group(self.process)


def server_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of gunicorn and the worker: the committed test database, Redis as in
    this run, the perf settings, raised throttles, DEBUG off, uploads under ``tmp_path``."""
    from tests.conftest import _database_url

    (tmp_path / "media").mkdir(exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.perf.http_settings",
        "DATABASE_URL": _database_url(),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(tmp_path / "media"),
        **RAISED_RATES,
        **extra,
    }


@pytest.fixture
def gunicorn(committed_db, tmp_path) -> Iterator[GunicornServer]:
    """A running gunicorn (2 sync workers) on a free port; stopped at the end, whatever
    happens. ``stop()`` may be called earlier to free the CPUs."""
    server = GunicornServer(port=free_port(), log=tmp_path / "gunicorn.log")
    try:
        server.start(server_env(tmp_path))
        server.wait_ready()
        yield server
    finally:
        server.stop()


@dataclass
class LoadResult:
    requests: int
    seconds: float
    statuses: Counter
    latencies: list[float]
    failures: list[str]
    by_status: dict[int, list[float]] = field(default_factory=dict)  # latencies per status

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def latency_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


Request = tuple[str, str, bytes | None]  # method, path, body


def http_load(
    port: int,
    request_for: Callable[[int], Request | None],
    *,
    clients: int,
    seconds: float,
    max_requests: int,
    headers: dict[str, str] | None = None,
    timeout: float = 120,
    on_response: Callable[[int, int, bytes], None] | None = None,
    request_headers: Callable[[int], dict[str, str]] | None = None,
) -> LoadResult:
    """``clients`` threads, each with its own HTTP/1.1 connection to 127.0.0.1:``port``
    (reopened whenever the server closes it, as gunicorn's sync workers do after every
    response), sending ``request_for(0)``, ``request_for(1)``, … until it returns None,
    ``max_requests`` are sent or ``seconds`` have passed. Requests in flight at the deadline
    complete and count; the rate is over the time until the last one came back.
    ``request_headers(index)`` adds headers of that request's own (an Idempotency-Key)."""
    counter = itertools.count()
    lock = threading.Lock()
    statuses: Counter = Counter()
    latencies: list[float] = []
    by_status: dict[int, list[float]] = {}
    failures: list[str] = []
    started = time.perf_counter()
    deadline = started + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            while time.perf_counter() < deadline:
                with lock:
                    index = next(counter)
                if index >= max_requests:
                    return
                request = request_for(index)
                if request is None:
                    return
                method, path, body = request
                sent = time.perf_counter()
                try:
                    own = request_headers(index) if request_headers is not None else {}
                    conn.request(method, path, body=body, headers={**(headers or {}), **own})
                    response = conn.getresponse()
                    content = response.read()
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    with lock:
                        failures.append(f"{method} {path}: {error!r}")
                    continue
                elapsed = time.perf_counter() - sent
                with lock:
                    statuses[response.status] += 1
                    latencies.append(elapsed)
                    by_status.setdefault(response.status, []).append(elapsed)
                if on_response is not None:
                    on_response(index, response.status, content)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 30)
    elapsed = time.perf_counter() - started
    assert not any(thread.is_alive() for thread in threads), "a load client hung"
    return LoadResult(sum(statuses.values()), elapsed, statuses, latencies, failures, by_status)


def http_get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One GET to 127.0.0.1:``port``: status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- Comments to file -----------------------------------------------------------------------

BODY_SENTENCES = (
    "The measure should say who is accountable for it inside the organisation.",
    "Small developers cannot run red-team exercises of this size every quarter.",
    "Please align the wording with the OECD reporting framework to avoid double reporting.",
    "We support this practice but ask for a transition period of twelve months.",
    "The term 'advanced AI system' needs a definition that does not depend on compute alone.",
    "Independent external testers should be named among the options, not only internal teams.",
)


@dataclass(frozen=True)
class ApiSetting:
    """An open version, a verified organisation, its representative and a token."""

    version: DraftVersion
    organisation: Any
    user: Any
    token: str
    lines: list[tuple[int, str]]  # the numbered list-item lines: number, text

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def api_setting(*, slug: str, sections: int = 18, lines_per_section: int = 10) -> ApiSetting:
    """Committed through the real services: a version of 200 lines open for comment."""
    from django.core.cache import cache

    from accounts.models import ApiToken
    from drafts.models import Line
    from tests.accounts.factories import make_token
    from tests.comments.factories import representative_of, verified_organisation
    from tests.drafts.factories import open_version

    # The throttles count per token id in the cache (Redis when REDIS_URL is set), and a new
    # test database hands out the same ids again: forget the counts of earlier runs, or this
    # run's token may start over its limit (the upload is posted in this process, at the
    # test settings' rates). The broker's queues, in the same Redis database, are empty now.
    cache.clear()
    version = open_version(slug=slug, sections=sections, lines_per_section=lines_per_section)
    organisation = verified_organisation(name=f"Bench organisation {slug}")
    user = representative_of(organisation)
    _token, raw = make_token(
        user=user,
        name="bench",
        scopes=(ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE),
    )
    lines = list(
        Line.objects.filter(version=version, text__contains=QUOTED)
        .order_by("number")
        .values_list("number", "text")
    )
    assert lines, "no list-item line to comment on"
    return ApiSetting(version, organisation, user, raw, lines)


QUOTED = "organisations document"


def comment_items(setting: ApiSetting, count: int, *, prefix: str) -> Iterator[dict[str, Any]]:
    """API items as a client sends them: every one with an external id and the organisation;
    every 4th quotes the line, every 5th spans two lines, every 7th proposes a text."""
    kinds = ("general", "technical", "editorial")
    stances = ("", "support", "oppose", "amend")
    lines = setting.lines
    for n in range(count):
        number, text = lines[n % len(lines)]
        item: dict[str, Any] = {
            "external_id": f"{prefix}-{n:06d}",
            "line_start": number,
            "kind": kinds[n % 3],
            "stance": stances[n % 4],
            "body": f"Comment {n}. "
            + " ".join(BODY_SENTENCES[(n + k) % len(BODY_SENTENCES)] for k in range(3)),
            "organisation": setting.organisation.slug,
        }
        if n % 4 == 0:
            start = text.index(QUOTED)
            item["quote"] = {"exact": QUOTED, "prefix": text[max(0, start - 8) : start]}
        elif n % 5 == 0:
            item["line_end"] = number + 1
        if n % 7 == 0:
            item["proposed_text"] = text.replace("document", "document and publish")
        yield item


def proc_status_kb(pid: int, field: str) -> int:
    """A ``kB`` field of /proc/<pid>/status (VmRSS, VmHWM), 0 if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
