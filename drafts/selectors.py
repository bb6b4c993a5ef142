"""Reads of drafts shared by pages, API and tasks; prefetching and visibility decided here."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from haip_portal.exceptions import NotFound

from .diff import SectionText
from .models import Draft, DraftVersion, Line, Rendering, RenderingLine, Section

Status = DraftVersion.Status


def versions_visible_to(user: User | AnonymousUser) -> QuerySet[DraftVersion]:
    """Published versions for everyone; unpublished ones only for those who prepare them."""
    versions = DraftVersion.objects.select_related("draft")
    if permissions.can_view_unpublished_versions(user):
        return versions
    return versions.exclude(status=Status.DRAFT)


def drafts_for_home(user: User | AnonymousUser) -> list[tuple[Draft, DraftVersion]]:
    """Each draft with its current version (the newest the user may see), newest first."""
    versions = versions_visible_to(user).defer("source").order_by("draft_id", "-number")
    current: dict[int, DraftVersion] = {}
    for version in versions:
        current.setdefault(version.draft_id, version)
    pairs = [(version.draft, version) for version in current.values()]
    return sorted(pairs, key=lambda pair: pair[1].published_at or pair[1].created_at, reverse=True)


def version_get(*, user: User | AnonymousUser, slug: str, number: int | None) -> DraftVersion:
    """The version the user asked for, or their current one; 404 if they may not see it."""
    versions = versions_visible_to(user).filter(draft__slug=slug)
    version = (
        versions.filter(number=number).first()
        if number is not None
        else versions.exclude(status=Status.DRAFT).order_by("-number").first()
        or versions.order_by("-number").first()
    )
    if version is None:
        raise NotFound(_("No such draft version."))
    return version


def version_siblings(*, user: User | AnonymousUser, version: DraftVersion) -> list[DraftVersion]:
    """All versions of the same draft the user may see, for the version switcher."""
    return list(
        versions_visible_to(user)
        .filter(draft_id=version.draft_id)
        .defer("source")
        .order_by("number")
    )


@dataclass(frozen=True)
class SectionWithLines:
    section: Section
    lines: list[Line]


def version_text(version: DraftVersion) -> list[SectionWithLines]:
    """The version's sections with their lines, in two queries whatever the length."""
    sections = Section.objects.filter(version=version).prefetch_related(
        Prefetch(
            "lines",
            queryset=Line.objects.only("id", "section_id", "number", "kind", "text", "html"),
        )
    )
    return [SectionWithLines(section, list(section.lines.all())) for section in sections]


def version_lines(version: DraftVersion, first: int, last: int) -> list[Line]:
    """Lines ``first`` to ``last`` of the version, in order (one query)."""
    return list(
        Line.objects.filter(version=version, number__range=(first, last)).order_by("number")
    )


def version_sections_as_text(
    version: DraftVersion, rendering: "Rendering | None" = None
) -> list[SectionText]:
    """The version's text (in the words of ``rendering``, if given) as plain data for
    :func:`drafts.diff.compare_sections` (2 queries, 3 with a rendering)."""
    return [
        SectionText(
            key=item.section.key,
            heading=item.section.heading,
            lines=[(line.number, line.text) for line in item.lines],
        )
        for item in version_text_in(version, rendering)
    ]


def drafts_visible_to(user: User | AnonymousUser) -> QuerySet[Draft]:
    """Drafts with at least one version the user may see, each with exactly those versions
    prefetched (oldest first, without their text): two queries for any number of drafts.

    A draft whose every version is unpublished does not exist for those who may not see it.
    """
    visible = versions_visible_to(user)
    return Draft.objects.filter(Exists(visible.filter(draft_id=OuterRef("pk")))).prefetch_related(
        Prefetch("versions", queryset=visible.defer("source").order_by("number"))
    )


def draft_get(*, user: User | AnonymousUser, slug: str) -> Draft:
    """The draft at ``slug`` with its visible versions; 404 if the user may see none of them."""
    draft = drafts_visible_to(user).filter(slug=slug).first()
    if draft is None:
        raise NotFound(_("No such draft."))
    return draft


# --- The secretariat's desk: every draft and version, whatever its status -------------------


def drafts_for_desk() -> QuerySet[Draft]:
    """Every draft by title, with every version (without its text) prefetched: two queries."""
    return Draft.objects.order_by("title").prefetch_related(
        Prefetch("versions", queryset=DraftVersion.objects.defer("source").order_by("number"))
    )


def draft_for_desk(slug: str) -> Draft:
    """The draft at ``slug``, whatever the status of its versions; 404 if there is none."""
    draft = Draft.objects.filter(slug=slug).first()
    if draft is None:
        raise NotFound(_("No such draft."))
    return draft


def version_for_desk(slug: str, number: int) -> DraftVersion:
    """Version ``number`` of the draft at ``slug``, whatever its status; 404 if there is none."""
    version = (
        DraftVersion.objects.select_related("draft").filter(draft__slug=slug, number=number).first()
    )
    if version is None:
        raise NotFound(_("No such draft version."))
    return version


def version_closes_at(*, slug: str, number: int) -> datetime | None:
    """When the period of version ``number`` of the draft at ``slug`` ends (None if it has no
    end, or there is no such version)."""
    return (
        DraftVersion.objects.filter(draft__slug=slug, number=number)
        .values_list("closes_at", flat=True)
        .first()
    )


def version_sections(version: DraftVersion) -> list[Section]:
    """The version's sections in order, without their lines (one query)."""
    return list(Section.objects.filter(version=version).order_by("position"))


def version_text_with_source(version: DraftVersion) -> list[SectionWithLines]:
    """As :func:`version_text`, but each line carries its Markdown ``source`` (and no HTML),
    for readers that quote the source, such as the API. Two queries whatever the length; each
    line's ``section`` is the prefetched section, so reading it costs nothing."""
    sections = Section.objects.filter(version=version).prefetch_related(
        Prefetch(
            "lines",
            queryset=Line.objects.only("id", "section_id", "number", "kind", "text", "source"),
        )
    )
    return [SectionWithLines(section, list(section.lines.all())) for section in sections]


# --- Renderings: the text in other languages ---------------------------------------------


def version_renderings(*, user: User | AnonymousUser, version: DraftVersion) -> list[Rendering]:
    """The renderings of ``version`` the user may read, without their text (one query):
    published ones for everyone, unpublished ones for those who prepare versions."""
    renderings = Rendering.objects.filter(version=version).defer("source").order_by("language")
    if not permissions.can_view_unpublished_versions(user):
        renderings = renderings.filter(status=Rendering.Status.PUBLISHED)
    return list(renderings)


def rendering_pick(renderings: list[Rendering], language: str | None) -> Rendering | None:
    """The rendering in ``language`` among ``renderings``; None for the master's language,
    no language, or one without a rendering."""
    return next((r for r in renderings if r.language == language), None)


def _render_lines(sections: list[SectionWithLines], rendering: Rendering) -> None:
    """Put the rendering's words on the master's lines (in memory, one query): numbers,
    sections and anchors stay the master's, so ``#L12`` is the same line in every language."""
    rendered = {
        line.number: line
        for line in RenderingLine.objects.filter(rendering=rendering).only(
            "number", "text", "html", "source"
        )
    }
    for item in sections:
        for line in item.lines:
            if line.number in rendered:
                words = rendered[line.number]
                line.text, line.html = words.text, words.html
                if "source" in line.__dict__:
                    line.source = words.source
        if item.lines and item.lines[0].kind == Line.Kind.HEADING:
            item.section.heading = item.lines[0].text


def version_text_in(version: DraftVersion, rendering: Rendering | None) -> list[SectionWithLines]:
    """:func:`version_text` in the words of ``rendering`` (the master's with None); three
    queries whatever the length."""
    sections = version_text(version)
    if rendering is not None:
        _render_lines(sections, rendering)
    return sections


def version_text_with_source_in(
    version: DraftVersion, rendering: Rendering | None
) -> list[SectionWithLines]:
    """:func:`version_text_with_source` in the words of ``rendering``."""
    sections = version_text_with_source(version)
    if rendering is not None:
        _render_lines(sections, rendering)
    return sections


def version_headings_in(version: DraftVersion, language: str) -> dict[str, str]:
    """Each section's heading (by key, in the draft's order) in the published rendering of
    ``version`` in ``language``, the master's where it has none (two queries)."""
    sections = version_sections(version)
    headings = {section.key: section.heading for section in sections}
    rendered = dict(
        RenderingLine.objects.filter(
            rendering__version=version,
            rendering__language=language,
            rendering__status=Rendering.Status.PUBLISHED,
            kind=Line.Kind.HEADING,
            number__in=[section.line_start for section in sections],
        ).values_list("number", "text")
    )
    for section in sections:
        if rendered.get(section.line_start):
            headings[section.key] = rendered[section.line_start]
    return headings


def rendering_line_texts(
    *, version: DraftVersion, language: str, numbers: set[int]
) -> dict[int, str]:
    """The readable text of lines ``numbers`` in the published rendering of ``version`` in
    ``language`` (one query; empty if there is none): what a quote in that language is
    checked against."""
    if not numbers:
        return {}
    return dict(
        RenderingLine.objects.filter(
            rendering__version=version,
            rendering__language=language,
            rendering__status=Rendering.Status.PUBLISHED,
            number__in=numbers,
        ).values_list("number", "text")
    )


def rendering_for_desk(version: DraftVersion, language: str) -> Rendering:
    """The rendering of ``version`` in ``language``, whatever its status; 404 if none."""
    rendering = (
        Rendering.objects.select_related("version__draft")
        .filter(version=version, language=language)
        .first()
    )
    if rendering is None:
        raise NotFound(_("No such rendering."))
    return rendering
