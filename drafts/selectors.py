"""Reads of drafts shared by pages, API and tasks; prefetching and visibility decided here."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts import permissions
from accounts.models import User

from .diff import SectionText
from .models import Draft, DraftVersion, Line, Section

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
        raise Http404("No such draft version.")
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


def version_sections_as_text(version: DraftVersion) -> list[SectionText]:
    """The version's text as plain data for :func:`drafts.diff.compare_sections` (2 queries)."""
    return [
        SectionText(
            key=item.section.key,
            heading=item.section.heading,
            lines=[(line.number, line.text) for line in item.lines],
        )
        for item in version_text(version)
    ]
