"""Every write to drafts: creating drafts and versions, importing their text, publishing and
closing comment periods. Transitions are guarded here and nowhere else."""

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.models import User
from haip_portal.exceptions import ApplicationError
from haip_portal.wording import in_sentence

from .alignment import differences, summary
from .markdown import ParsedDocument, SourceError, parse_source
from .models import Draft, DraftVersion, Language, Line, Rendering, RenderingLine, Section

Status = DraftVersion.Status


def _parse_or_refuse(source: bytes | str) -> ParsedDocument:
    try:
        return parse_source(source)
    except SourceError as error:
        raise ApplicationError(str(error), field="source") from error


def _refuse_unless_draft(version: DraftVersion) -> None:
    if version.status != Status.DRAFT:
        raise ApplicationError(
            _("%(version)s is %(status)s; its text is frozen. Start a new version to change it.")
            % {"version": version, "status": in_sentence(version.get_status_display())}
        )


def _store_text(*, version: DraftVersion, document: ParsedDocument) -> None:
    Line.objects.filter(version=version).delete()
    Section.objects.filter(version=version).delete()
    sections = Section.objects.bulk_create(
        Section(
            version=version,
            key=parsed.key,
            heading=parsed.heading[:500],
            position=parsed.position,
            line_start=parsed.line_start,
            line_end=parsed.line_end,
        )
        for parsed in document.sections
    )
    Line.objects.bulk_create(
        (
            Line(
                version=version,
                section=section,
                number=line.number,
                kind=line.kind,
                source=line.source,
                text=line.text,
                html=line.html,
            )
            for section, parsed in zip(sections, document.sections, strict=True)
            for line in parsed.lines
        ),
        batch_size=2000,
    )


def _reference_prefix(slug: str) -> str:
    """A short, unused prefix for comment references: HAIP for the first draft, then the
    initials of the address (``ai-safety-code`` → ``ASC``), numbered if taken."""
    taken = set(Draft.objects.values_list("reference_prefix", flat=True))
    base = (
        "HAIP"
        if "HAIP" not in taken
        else "".join(word[0] for word in slug.upper().split("-") if word and word[0].isalnum())[:8]
        or "DRAFT"
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


@transaction.atomic
def draft_create(
    *,
    slug: str,
    title: str,
    summary: str = "",
    source: bytes | str,
    language: str = Language.EN,
    created_by: User | None,
) -> Draft:
    """Create a draft and its first version (unpublished) from a Markdown source written in
    ``language`` (the master's; renderings follow it)."""
    if Draft.objects.filter(slug=slug).exists():
        raise ApplicationError(
            _("A draft with the address '%(slug)s' already exists.") % {"slug": slug}, field="slug"
        )
    _check_language(language)
    document = _parse_or_refuse(source)
    draft = Draft.objects.create(
        slug=slug,
        title=title,
        summary=summary,
        reference_prefix=_reference_prefix(slug),
        created_by=created_by,
    )
    version = DraftVersion.objects.create(
        draft=draft,
        number=1,
        language=language,
        source=_as_text(source),
        line_count=document.line_count,
        created_by=created_by,
    )
    _store_text(version=version, document=document)
    return draft


def _as_text(source: bytes | str) -> str:
    text = source.decode("utf-8").removeprefix("\ufeff") if isinstance(source, bytes) else source
    return text.replace("\r\n", "\n").replace("\r", "\n")


@transaction.atomic
def version_create(
    *, draft: Draft, source: bytes | str | None = None, created_by: User | None
) -> DraftVersion:
    """Start the next version of a draft, by default as a copy of the latest version's text."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    versions = draft.versions.all()
    unpublished = versions.filter(status=Status.DRAFT).first()
    if unpublished is not None:
        raise ApplicationError(
            _("%(version)s is not published yet; finish or publish it before starting another.")
            % {"version": unpublished}
        )
    latest = versions.order_by("-number").first()
    if source is None:
        if latest is None:
            raise ApplicationError(_("The first version needs a source."), field="source")
        source = latest.source
    document = _parse_or_refuse(source)
    number = (versions.aggregate(highest=Max("number"))["highest"] or 0) + 1
    version = DraftVersion.objects.create(
        draft=draft,
        number=number,
        language=latest.language if latest is not None else Language.EN,
        source=_as_text(source),
        line_count=document.line_count,
        created_by=created_by,
    )
    _store_text(version=version, document=document)
    _run_hooks("VERSION_PREPARED_HOOKS", version)
    return version


@transaction.atomic
def version_update_text(
    *,
    version: DraftVersion,
    source: bytes | str,
    changelog: str | None = None,
    language: str | None = None,
) -> DraftVersion:
    """Replace the text (and, if given, its language) of an unpublished version, renumbering
    its lines."""
    version = DraftVersion.objects.select_for_update().get(pk=version.pk)
    _refuse_unless_draft(version)
    document = _parse_or_refuse(source)
    version.source = _as_text(source)
    version.line_count = document.line_count
    if changelog is not None:
        version.changelog = changelog
    if language is not None:
        _check_language(language)
        version.language = language
    version.save(update_fields=["source", "line_count", "changelog", "language", "updated_at"])
    _store_text(version=version, document=document)
    _run_hooks("VERSION_PREPARED_HOOKS", version)
    return version


@transaction.atomic
def version_publish(
    *,
    version: DraftVersion,
    opens_at: datetime,
    closes_at: datetime,
    changelog: str | None = None,
    published_by: User | None,
    now: datetime | None = None,
) -> DraftVersion:
    """Publish a version with its comment period; from here on its text is frozen.

    An earlier version of the same draft that is still open is closed at the same moment, so
    a draft has at most one version open for comment.
    """
    now = now or timezone.now()
    version = DraftVersion.objects.select_for_update().select_related("draft").get(pk=version.pk)
    _refuse_unless_draft(version)
    if closes_at <= opens_at:
        raise ApplicationError(
            _("The comment period must close after it opens."), field="closes_at"
        )
    if closes_at <= now:
        raise ApplicationError(_("The comment period must close in the future."), field="closes_at")
    if changelog is not None:
        version.changelog = changelog
    if version.number > 1 and not version.changelog.strip():
        raise ApplicationError(
            _("Say what changed since the previous version before publishing."), field="changelog"
        )
    for earlier in DraftVersion.objects.select_for_update().filter(
        draft=version.draft, status=Status.OPEN, number__lt=version.number
    ):
        _close(earlier, now=now)
    renderings = list(Rendering.objects.select_for_update().filter(version=version))
    master = parse_source(version.source)
    for rendering in renderings:
        _refuse_unless_aligned(master, parse_source(rendering.source), rendering.language)
    version.status = Status.OPEN
    version.opens_at = opens_at
    version.closes_at = closes_at
    version.published_at = now
    version.published_by = published_by
    version.save(
        update_fields=[
            "status",
            "opens_at",
            "closes_at",
            "published_at",
            "published_by",
            "changelog",
            "updated_at",
        ]
    )
    for rendering in renderings:
        rendering.status = Rendering.Status.PUBLISHED
        rendering.published_at = now
        rendering.save(update_fields=["status", "published_at", "updated_at"])
    _run_hooks("VERSION_PUBLISHED_HOOKS", version)
    return version


def _close(version: DraftVersion, *, now: datetime) -> None:
    version.status = Status.CLOSED
    version.closed_at = now
    version.save(update_fields=["status", "closed_at", "updated_at"])
    for hook in _closed_hooks():
        hook(version)


@lru_cache(maxsize=1)
def _closed_hooks() -> list[Callable[[DraftVersion], object]]:
    """What other apps do when a comment period closes (``VERSION_CLOSED_HOOKS``), inside the
    closing transaction, so drafts never imports them."""
    return [import_string(path) for path in settings.VERSION_CLOSED_HOOKS]


@lru_cache(maxsize=8)
def _hooks(setting: str) -> list[Callable[[DraftVersion], object]]:
    """The functions a setting names (``VERSION_PREPARED_HOOKS``, ``VERSION_PUBLISHED_HOOKS``),
    resolved once: how other apps act on a version without drafts importing them."""
    return [import_string(path) for path in getattr(settings, setting, [])]


def _run_hooks(setting: str, version: DraftVersion) -> None:
    """Call each hook of ``setting`` with ``version``, inside the caller's transaction, so a
    version is never prepared or published without what the hooks do (an error rolls back)."""
    for hook in _hooks(setting):
        hook(version)


@transaction.atomic
def version_close(*, version: DraftVersion, now: datetime | None = None) -> DraftVersion:
    """End a version's comment period now (or record that it has ended)."""
    version = DraftVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != Status.OPEN:
        raise ApplicationError(
            _("%(version)s is %(status)s; only an open version closes.")
            % {"version": version, "status": in_sentence(version.get_status_display())}
        )
    _close(version, now=now or timezone.now())
    return version


def versions_close_due(*, now: datetime | None = None) -> list[int]:
    """Close every open version whose comment period has ended; returns their ids.

    Safe to run concurrently and repeatedly: each version is locked and re-checked.
    """
    now = now or timezone.now()
    due = DraftVersion.objects.filter(status=Status.OPEN, closes_at__lte=now)
    closed = []
    for version_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            version = DraftVersion.objects.select_for_update().get(pk=version_id)
            if version.status == Status.OPEN and version.closes_at and version.closes_at <= now:
                _close(version, now=now)
                closed.append(version.pk)
    return closed


# --- Renderings: a version's text in the other languages --------------------------------


def _check_language(language: str) -> None:
    if language not in Language.values:
        raise ApplicationError(
            _("Unknown language '%(code)s'; the texts are in %(codes)s.")
            % {"code": language[:12], "codes": ", ".join(Language.values)},
            field="language",
        )


def _refuse_unless_aligned(
    master: ParsedDocument, rendering: ParsedDocument, language: str, *, field: str | None = None
) -> None:
    """Refuse a rendering that does not follow the master, naming the first differences."""
    name = str(Language(language).label)
    found = differences(master, rendering, name=name)
    if found:
        raise ApplicationError(summary(found, name=name), field=field)


@transaction.atomic
def rendering_attach(
    *, version: DraftVersion, language: str, source: bytes | str, created_by: User | None
) -> Rendering:
    """Attach (or replace, until it is published) the rendering of ``version`` in
    ``language``. It must follow the master: the same sections and the same numbered lines;
    otherwise it is refused with a message naming the first differences, and nothing is
    stored. Renderings of an unpublished version are published with it; on a published
    version they wait for :func:`rendering_publish`."""
    version = DraftVersion.objects.select_for_update().select_related("draft").get(pk=version.pk)
    _check_language(language)
    if language == version.language:
        raise ApplicationError(
            _("%(version)s is written in %(name)s; a rendering is in another language.")
            % {"version": version, "name": Language(language).label},
            field="language",
        )
    existing = Rendering.objects.select_for_update().filter(version=version, language=language)
    rendering = existing.first()
    if rendering is not None and rendering.is_frozen:
        raise ApplicationError(
            _("The %(name)s rendering of %(version)s is published; its text is frozen.")
            % {"name": Language(language).label, "version": version},
            field="language",
        )
    document = _parse_or_refuse(source)
    _refuse_unless_aligned(parse_source(version.source), document, language, field="source")
    if rendering is None:
        rendering = Rendering(version=version, language=language, created_by=created_by)
    rendering.source = _as_text(source)
    rendering.save()
    RenderingLine.objects.filter(rendering=rendering).delete()
    fields = ("number", "kind", "source", "text", "html")
    RenderingLine.objects.bulk_create(
        (
            RenderingLine(rendering=rendering, **{name: getattr(line, name) for name in fields})
            for section in document.sections
            for line in section.lines
        ),
        batch_size=2000,
    )
    return rendering


@transaction.atomic
def rendering_publish(*, rendering: Rendering, now: datetime | None = None) -> Rendering:
    """Publish a rendering of a published version; from here on its text is frozen."""
    rendering = Rendering.objects.select_for_update().select_related("version").get(pk=rendering.pk)
    if rendering.version.status == Status.DRAFT:
        raise ApplicationError(
            _("%(version)s is not published; its renderings are published with it.")
            % {"version": rendering.version}
        )
    if rendering.is_frozen:
        raise ApplicationError(
            _("The rendering %(rendering)s is already published.") % {"rendering": rendering}
        )
    rendering.status = Rendering.Status.PUBLISHED
    rendering.published_at = now or timezone.now()
    rendering.save(update_fields=["status", "published_at", "updated_at"])
    return rendering


@transaction.atomic
def rendering_remove(*, rendering: Rendering) -> None:
    """Remove a rendering that is not published yet (a published one is frozen)."""
    rendering = Rendering.objects.select_for_update().get(pk=rendering.pk)
    if rendering.is_frozen:
        raise ApplicationError(
            _("The rendering %(rendering)s is published; it cannot be removed.")
            % {"rendering": rendering}
        )
    rendering.delete()  # its lines go with it
