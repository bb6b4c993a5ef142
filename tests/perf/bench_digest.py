"""Synthesis digests built by a real ``celery worker`` from corpora loaded in PostgreSQL, in
two shapes: the generated corpus (10,000 and 100,000 comments, about a fifth of them campaign
copies, from 50 organisations) and mass form letters (100,000 comments: 27 letters signed by
nine in ten of them, most signers adding a paragraph of their own, each comment from its own
organisation); and the streamed CSV matrix export of the same rows.

Before the digest is asked for, the worker reads each comment once as it does after an upload
(its language, shingles and words: comments/digests/readings.py), timed apart.

Printed, per size: the digest's wall time (queued → ready, and the build's own parts: reading
the comments, the synthesis, writing its documents, storing), the worker's peak memory (VmHWM
of the worker and its pool process, as bench_bulk_worker.py reads it), and the 10k → 100k
ratio; then how much later the digest's comment matrix files (written by a second task) are
there; then the peak Python memory (tracemalloc) of streaming the whole matrix CSV. Asserted:
the digest is ready with every comment counted and most campaign copies folded.
"""

import random
import time
import tracemalloc

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Organisation
from comments import export_selectors
from comments.anchoring import content_hash
from comments.digests import readings, services
from comments.digests.models import CommentReading, Digest
from comments.exports import matrix_csv
from comments.models import Comment, VersionCommentCounter
from tests.accounts.factories import make_organisation, make_user
from tests.conftest import wait_until, with_two_factor
from tests.digests.corpora import mass_letters, records_of
from tests.digests.synthesis.corpus import generated_corpus
from tests.drafts.factories import open_version

from .conftest import MB, proc_status_kb, process_tree, require_postgres

CASES = (("generated", 10_000), ("generated", 100_000), ("mass_letters", 100_000))
SIZES = (10_000, 100_000)
WALL_BAR_S, MEMORY_BAR_MB, SCALING_BAR = 60, 1024, 12
RESULTS: dict[int, float] = {}
TYPES = [t for t in Organisation.StakeholderType.values if t != "individual"]


def _organisations(records, shape: str) -> list[Organisation]:
    """One organisation per comment's organisation (mass letters), or 50 shared ones."""
    if shape == "generated":
        found = [
            make_organisation(
                name=f"Bench organisation {n}", verified=True, stakeholder_type=TYPES[n % 6]
            )
            for n in range(50)
        ]
        # "Org N" spread over the 50, so the copies of a letter come from several of them.
        return [found[int(r.organisation.split()[-1]) % len(found)] for r in records]
    names = sorted({r.organisation for r in records})
    created = Organisation.objects.bulk_create(  # PostgreSQL gives each its id
        [
            Organisation(
                name=name,
                slug=f"bench-{n}",
                stakeholder_type=TYPES[n % len(TYPES)],
                status=Organisation.Status.VERIFIED,
            )
            for n, name in enumerate(names)
        ],
        batch_size=5000,
    )
    by_name = {organisation.name: organisation for organisation in created}
    return [by_name[r.organisation] for r in records]


def _load(size: int, shape: str = "generated") -> tuple[object, object]:
    """A version with ``size`` published comments of ``shape``, inserted in batches (no
    services: the filing path has its own benchmark)."""
    version = open_version(slug=f"bench-digest-{shape}-{size}", sections=11, lines_per_section=36)
    sections = list(version.sections.order_by("position"))
    author = make_user()
    if shape == "generated":
        records = generated_corpus(size, campaign_share=0.2, campaign_size=100)
    else:
        records = records_of(mass_letters(size))
    organisations = _organisations(records, shape)
    rng = random.Random(3)
    now = timezone.now()
    batch = []
    for number, record in enumerate(records, start=1):
        section = sections[(record.line_start - 1) % len(sections)]
        line = rng.randint(section.line_start, section.line_end)
        organisation = organisations[number - 1]
        batch.append(
            Comment(
                version=version,
                section=section,
                number=number,
                reference=f"B{size // 1000}K{shape[0].upper()}-{number:06d}",
                line_start=line,
                line_end=line,
                kind=record.kind,
                stance=record.stance,
                body=record.body,
                proposed_text=record.proposed_text,
                visibility="confidential" if record.confidential else "public",
                channel="bulk",
                content_hash=content_hash(record.body, record.proposed_text),
                author=author,
                organisation=organisation,
                stakeholder_type=organisation.stakeholder_type,
                country=record.country,
                created_at=now,
                updated_at=now,
            )
        )
        if len(batch) == 5000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    VersionCommentCounter.objects.update_or_create(version=version, defaults={"last_number": size})
    secretariat = make_user()
    secretariat.groups.add(Group.objects.get_or_create(name="secretariat")[0])
    return version, with_two_factor(secretariat)


@pytest.mark.parametrize(("shape", "size"), CASES)
def test_digest_in_the_worker(shape, size, celery_worker_factory, shared_media, report):
    require_postgres(redis=True)
    started = time.perf_counter()
    version, secretariat = _load(size, shape)
    loaded = time.perf_counter() - started

    worker = celery_worker_factory(
        extra_env={"MEDIA_ROOT": str(shared_media), "LOG_LEVEL": "WARNING"}
    )
    wait_until(lambda: "ready." in worker.output(), timeout=60, worker=worker)
    # As after an upload: the worker reads each comment once (language, shingles, words).
    reading_started = time.perf_counter()
    readings.readings_enqueue(
        list(Comment.objects.filter(version=version).values_list("pk", flat=True))
    )
    wait_until(
        lambda: CommentReading.objects.filter(comment__version=version).count() == size,
        timeout=900,
        interval=0.5,
        worker=worker,
    )
    reading_wall = time.perf_counter() - reading_started
    assert worker.process is not None
    reading_peak = sum(proc_status_kb(p, "VmHWM") for p in process_tree(worker.process.pid))
    digest = services.digest_request(user=secretariat, version=version, audience="working_group")
    # digest_request queues after commit; this test's transactions autocommit.
    sent = time.perf_counter()

    def finished() -> Digest | None:
        current = Digest.objects.get(pk=digest.pk)
        return current if current.status in ("ready", "failed") else None

    done = wait_until(finished, timeout=600, interval=0.25, worker=worker)
    wall = time.perf_counter() - sent
    assert worker.process is not None
    high_water = sum(proc_status_kb(p, "VmHWM") for p in process_tree(worker.process.pid))
    assert done.status == "ready", done.error
    matrix = wait_until(
        lambda: Digest.objects.filter(pk=digest.pk, matrix_ready_at__isnull=False).first(),
        timeout=900,
        interval=0.5,
        worker=worker,
    )
    matrix_wall = time.perf_counter() - sent - wall
    matrix_high_water = sum(proc_status_kb(p, "VmHWM") for p in process_tree(worker.process.pid))
    assert done.comment_count == size
    folded = size - done.position_count
    assert folded >= 0.15 * size  # most of the campaign copies

    if shape == "generated":
        RESULTS[size] = wall
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in done.timings.items())
    peak_mb = high_water / 1024
    report(
        f"digest {size:>7,} comments, {shape} (loaded in {loaded:.0f} s; read once by the "
        f"worker as at ingest in {reading_wall:.1f} s, {size / reading_wall:,.0f} comments/s, "
        f"worker peak RSS then {reading_peak / 1024:,.0f} MB): "
        f"queued→ready {wall:5.1f} s "
        f"[{parts}]; worker peak RSS (VmHWM, worker + pool) {peak_mb:,.0f} MB; "
        f"{done.position_count:,} distinct positions, "
        f"{len(done.data['campaigns'])} campaigns, {len(done.data['themes'])} themes "
        f"(bars: ≤ {WALL_BAR_S} s {'met' if wall <= WALL_BAR_S else 'NOT met'}, "
        f"≤ {MEMORY_BAR_MB} MB {'met' if peak_mb <= MEMORY_BAR_MB else 'NOT met'})"
    )
    report(
        f"digest {size:>7,} comments: its comment matrix (Excel, CSV"
        f"{', Word' if matrix.exports.filter(format='matrix.docx').exists() else ''}) "
        f"ready {matrix_wall:5.1f} s later (written in {matrix.timings['matrix']:.1f} s); "
        f"worker peak RSS after it {matrix_high_water / 1024:,.0f} MB"
    )
    if len(RESULTS) == len(SIZES) and size == SIZES[1] and shape == "generated":
        ratio = RESULTS[SIZES[1]] / RESULTS[SIZES[0]]
        report(
            f"digest scaling 10k → 100k: ×{ratio:.1f} "
            f"(bar ≤ ×{SCALING_BAR} {'met' if ratio <= SCALING_BAR else 'NOT met'})"
        )

    # The live matrix, streamed as the secretariat downloads it.
    comments = export_selectors.matrix_comments(user=secretariat, version=version)
    tracemalloc.start()
    started = time.perf_counter()
    written = rows = 0
    for chunk in matrix_csv(export_selectors.matrix_rows(comments)):
        written += len(chunk)
        rows += chunk.count("\n")
    streamed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows >= size + 1
    report(
        f"matrix CSV {size:>7,} comments streamed: {written / MB:,.1f} MB in {streamed:.1f} s, "
        f"peak Python memory while streaming {peak / MB:,.1f} MB"
    )


@pytest.fixture
def shared_media(tmp_path, settings):
    """Digest files written to a directory this process reads too."""
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return media
