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
"""

import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.template.base import Template
from django.test.utils import CaptureQueriesContext, _TestState

from drafts import services
from drafts.markdown import MAX_SOURCE_BYTES
from drafts.models import DraftVersion
from tests.drafts.factories import make_draft, markdown_source, publish

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
