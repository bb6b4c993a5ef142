"""Every write to digests: asking for one, building it and then its comment matrix in the
worker, recording a failure, and the digests a version gets when its comment period closes
(or the demo data is loaded)."""

import time
from datetime import timedelta
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User, WorkingGroup
from drafts import selectors as draft_selectors
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError, NotAllowed
from haip_portal.queueing import enqueue_on_commit
from haip_portal.wording import clause

from . import rendering, selectors, tasks
from .models import Digest, DigestExport
from .readings import read_and_keep

Status = Digest.Status

# A build that has tried this many times (each one killed or failed) is marked failed.
MAX_ATTEMPTS = 3
# Share of the progress bar given to each part of a build.
READ_DONE, SYNTHESIS_DONE, RENDER_DONE = 5, 80, 98


def digest_enqueue(digest: Digest) -> None:
    """Queue the build once the transaction commits. A broker that is down is logged, not
    raised: the digest stays ``queued`` and ``resume_stalled_digests`` sends it again."""
    enqueue_on_commit(tasks.build_digest, digest.pk)


def _sections_of(version: DraftVersion, keys: list[str]) -> list[str]:
    known = {section.key for section in draft_selectors.version_sections(version)}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ApplicationError(
            _("%(version)s has no section %(unknown)s.")
            % {"version": version, "unknown": ", ".join(sorted(unknown))},
            field="sections",
        )
    return sorted(set(keys))


@transaction.atomic
def digest_request(
    *,
    user: User,
    version: DraftVersion,
    audience: str,
    section_keys: list[str] | None = None,
    working_group: WorkingGroup | None = None,
) -> Digest:
    """Ask for a digest of ``version`` as it stands now, for ``audience``; built by the worker.

    ``section_keys`` narrows it to some sections; ``working_group`` to the sections that group
    follows (and, for a working-group digest, to that group's readers).
    """
    if not permissions.can_request_digest(user):
        raise NotAllowed(_("Only the secretariat and working-group members ask for digests."))
    if audience not in Digest.Audience.values:
        raise ApplicationError(
            _("Unknown audience %(audience)s; choose one of %(values)s.")
            % {"audience": f"{audience!r}", "values": ", ".join(Digest.Audience.values)},
            field="audience",
        )
    if version.status == DraftVersion.Status.DRAFT:
        raise ApplicationError(
            _("%(version)s is not published; it has no comments to digest.") % {"version": version}
        )
    keys = _sections_of(version, section_keys or [])
    if working_group is not None:
        every, _unscoped, groups = permissions.digest_scope(user)
        if not every and working_group.pk not in groups:
            raise ApplicationError(
                _("You are not a member of %(working_group)s.")
                % {"working_group": clause(working_group)},
                field="working_group",
            )
        followed = set(working_group.section_keys) & {
            section.key for section in draft_selectors.version_sections(version)
        }
        keys = sorted(followed & set(keys)) if keys else sorted(followed)
        if not keys:
            raise ApplicationError(
                _("%(working_group)s follows none of the sections asked for in %(version)s.")
                % {"working_group": working_group, "version": version},
                field="working_group",
            )
    digest = Digest.objects.create(
        version=version,
        audience=audience,
        section_keys=keys,
        working_group=working_group,
        cutoff=timezone.now(),
        requested_by=user,
        language=_language_of_request(),
        stage="Waiting for the worker",
    )
    digest_enqueue(digest)
    return digest


def _language_of_request() -> str:
    """The language the person asking is served in (one of ``settings.LANGUAGES``)."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def digests_for_closed_version(version: DraftVersion) -> list[Digest]:
    """Queue a public and a working-group digest of everything filed during the period.

    Called by the drafts app inside the transaction that closes the version
    (``VERSION_CLOSED_HOOKS``), so the version is never closed without them.
    """
    digests = [
        Digest.objects.create(
            version=version,
            audience=audience,
            cutoff=version.closed_at or timezone.now(),
            trigger=Digest.Trigger.VERSION_CLOSED,
            stage="Waiting for the worker",
        )
        for audience in (Digest.Audience.PUBLIC, Digest.Audience.WORKING_GROUP)
    ]
    for digest in digests:
        digest_enqueue(digest)
    return digests


def digests_for_demo(*, version: DraftVersion, secretariat: User) -> str:
    """Ask for a public and a working-group digest of the demo's open version (built when the
    transaction commits), or queue again those still waiting (an upgrade may queue digests
    to be built again). Called by ``load_demo`` (``DEMO_DATA_HOOKS``); says what it did."""
    if Digest.objects.filter(version=version).exists():
        for digest in Digest.objects.filter(version=version, status=Status.QUEUED):
            digest_enqueue(digest)
        return ""
    for audience in (Digest.Audience.PUBLIC, Digest.Audience.WORKING_GROUP):
        digest_request(user=secretariat, version=version, audience=audience)
    return "Asked for a public and a working-group digest of v1."


def _start(digest_id: int) -> Digest | None:
    """Claim the digest for this run; ``None`` when there is nothing left to do."""
    with transaction.atomic():
        digest = Digest.objects.select_for_update().get(pk=digest_id)
        if digest.status in (Status.READY, Status.FAILED):
            return None
        if digest.attempts >= MAX_ATTEMPTS:
            digest.status = Status.FAILED
            digest.error = (
                f"The build stopped {digest.attempts} times without finishing "
                "(the worker was stopped or ran out of memory)."
            )
            digest.finished_at = timezone.now()
            digest.save(update_fields=["status", "error", "finished_at", "updated_at"])
            return None
        digest.status = Status.RUNNING
        digest.attempts += 1
        digest.progress = 1
        digest.stage = "Reading comments"
        digest.error = ""
        digest.started_at = timezone.now()
        digest.save()
        return digest


# The stages a build reports, as stored on the digest (in English, whoever asked); pages and the
# API show them in the reader's language (:func:`stage_in_reader_language`). The synthesis
# reports the middle ones itself.
STAGES = (
    gettext_noop("Reading comments"),
    gettext_noop("Finding campaigns"),
    gettext_noop("Finding themes"),
    gettext_noop("Writing the briefing"),
    gettext_noop("Summarising sections and proposed changes"),
    gettext_noop("Checking quotes"),
    gettext_noop("Writing the PDF, Word, HTML, Markdown and JSON files"),
    gettext_noop("Saving"),
)


def stage_in_reader_language(stage: str) -> str:
    """A stored stage in the active language; ``""`` for none."""
    return gettext(stage) if stage else ""


def _progress(digest: Digest, stage: str, percent: int) -> None:
    """Show how far the run has gone (committed at once, so the page can poll it)."""
    Digest.objects.filter(pk=digest.pk, attempts=digest.attempts, status=Status.RUNNING).update(
        stage=stage, progress=percent, updated_at=timezone.now()
    )


def digest_build(*, digest_id: int) -> Digest | None:
    """Build a queued digest: read its comments, synthesise, render it as documents, and store
    the data, counts and documents with the ``ready`` status in one transaction; then queue
    its comment matrix (:func:`digest_matrix_build`).

    Safe to run twice: a ready digest is left alone, and a run that another run has taken
    over (after a worker was lost) discards its result. A run killed half-way leaves the
    digest ``running`` with no data; the next run starts over.
    """
    # The synthesis (scikit-learn, SciPy) is loaded where digests are built, not by every
    # web process that imports this module.
    from .synthesis import SynthesisRequest, synthesise

    digest = _start(digest_id)
    if digest is None:
        return None
    clock = _Clock()
    records, _read_now = read_and_keep(selectors.digest_records_by_id(digest))
    withheld = selectors.digest_withheld_count(digest)
    dispositions = selectors.digest_dispositions(digest)
    answers = selectors.digest_answers(digest)
    clock.lap("read")
    _progress(digest, "Finding campaigns", READ_DONE)

    def synthesis_progress(stage: str, done: int) -> None:
        _progress(digest, stage, READ_DONE + (SYNTHESIS_DONE - READ_DONE) * done // 100)

    synthesis = synthesise(
        records,
        SynthesisRequest(audience=digest.audience, cutoff=digest.cutoff),  # type: ignore[arg-type]
        dispositions,
        withheld=withheld,
        answers=answers,
        progress=synthesis_progress,
    )
    data = synthesis.to_dict()
    clock.lap("synthesis")
    _progress(digest, "Writing the PDF, Word, HTML, Markdown and JSON files", SYNTHESIS_DONE)
    files = rendering.render_documents(digest, data)
    clock.lap("documents")
    _progress(digest, "Saving", RENDER_DONE)
    try:
        return _store(digest, data, files, clock)
    finally:
        for handle in files.values():
            handle.close()


@transaction.atomic
def _store(
    digest: Digest, data: dict[str, Any], files: dict[str, IO[bytes]], clock: "_Clock"
) -> Digest | None:
    locked = Digest.objects.select_for_update().get(pk=digest.pk)
    if locked.status != Status.RUNNING or locked.attempts != digest.attempts:
        return None  # another run took it over; its result is the same
    old = list(locked.exports.all())
    locked.exports.all().delete()
    for export in old:
        transaction.on_commit(partial(_delete_file, export.file.name))
    _save_files(locked, files)
    overview = data["overview"]
    locked.data = data
    locked.comment_count = overview["comments"]
    locked.position_count = overview["distinct_positions"]
    locked.status = Status.READY
    locked.progress = 100
    locked.stage = "Ready"
    locked.finished_at = timezone.now()
    locked.matrix_ready_at = None
    clock.lap("store")
    locked.timings = clock.laps
    locked.save()
    enqueue_on_commit(tasks.build_digest_matrix, locked.pk)
    return locked


def digest_matrix_build(*, digest_id: int) -> Digest | None:
    """Write the comment matrix of a ready digest (Excel, CSV and, when small enough, Word)
    and store the three files together. Safe to run twice: once stored, it is left alone;
    a run killed half-way stores nothing, and the next run starts over."""
    digest = Digest.objects.select_related("version__draft").get(pk=digest_id)
    if digest.status != Status.READY or digest.matrix_ready_at is not None:
        return None
    started = time.perf_counter()
    files = rendering.render_matrix(digest)
    try:
        with transaction.atomic():
            locked = Digest.objects.select_for_update().get(pk=digest_id)
            if locked.matrix_ready_at is not None:
                return None
            matrix = locked.exports.filter(format__startswith="matrix.")
            for name in matrix.values_list("file", flat=True):
                transaction.on_commit(partial(_delete_file, name))
            matrix.delete()
            _save_files(locked, files)
            locked.matrix_ready_at = timezone.now()
            locked.timings = {**locked.timings, "matrix": round(time.perf_counter() - started, 3)}
            locked.save(update_fields=["matrix_ready_at", "timings", "updated_at"])
            return locked
    finally:
        for handle in files.values():
            handle.close()


def _save_files(digest: Digest, files: dict[str, IO[bytes]]) -> None:
    for format, handle in files.items():
        export = DigestExport(digest=digest, format=format)
        export.file.save(rendering.file_name(digest, format), File(handle), save=False)
        export.size = export.file.size
        export.save()


class _Clock:
    """Seconds spent in each part of a build, kept on the digest for operators."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


def _delete_file(name: str) -> None:
    DigestExport.file.field.storage.delete(name)


def digest_fail(*, digest_id: int, error: BaseException) -> None:
    """Record why a build failed (a quote check, a time limit, a bug), shown on its page."""
    from .synthesis import ExcerptMismatch

    language = Digest.objects.filter(pk=digest_id).values_list("language", flat=True).first()
    if isinstance(error, ExcerptMismatch | ApplicationError):
        message = str(error)
    else:
        with translation.override(language or settings.LANGUAGE_CODE):
            message = _("The build failed (%(error)s). The secretariat has been told.") % {
                "error": type(error).__name__
            }
    Digest.objects.filter(pk=digest_id).exclude(status=Status.READY).update(
        status=Status.FAILED, error=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


def digests_stalled() -> tuple[list[int], list[int]]:
    """Digests queued or running, and ready digests still without their matrix, with no
    progress for a while (broker down, worker lost): the beat task queues them again."""
    before = timezone.now() - timedelta(seconds=settings.DIGEST_STALLED_AFTER_SECONDS)
    quiet = Digest.objects.filter(updated_at__lt=before)
    builds = quiet.filter(status__in=[Status.QUEUED, Status.RUNNING])
    matrices = quiet.filter(status=Status.READY, matrix_ready_at__isnull=True)
    return (
        list(builds.values_list("pk", flat=True)),
        list(matrices.values_list("pk", flat=True)),
    )
