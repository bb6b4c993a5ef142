"""Builders for drafts in tests: real Markdown through the real import service."""

from datetime import timedelta

from django.utils import timezone

from drafts import services
from drafts.models import Draft, DraftVersion


def markdown_source(
    *, sections: int = 3, lines_per_section: int = 3, title: str = "Test code"
) -> str:
    """A Markdown draft with numbered ``## N.`` sections of list items."""
    parts = [f"# {title}", "", "An introduction to the draft.", ""]
    for number in range(1, sections + 1):
        parts += [f"## {number}. Action number {number}", ""]
        parts += [
            f"- Practice {number}.{item}: organisations document measure {item} of action {number}."
            for item in range(1, lines_per_section + 1)
        ]
        parts.append("")
    return "\n".join(parts)


def make_draft(*, slug: str = "test-code", source: str | None = None, **kwargs) -> Draft:
    return services.draft_create(
        slug=slug,
        title=kwargs.pop("title", "Test code"),
        source=source or markdown_source(**kwargs),
        created_by=None,
    )


def publish(version: DraftVersion, *, days: int = 30, changelog: str = "Changes.") -> DraftVersion:
    now = timezone.now()
    return services.version_publish(
        version=version,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=days),
        changelog=changelog,
        published_by=None,
    )


def open_version(**kwargs) -> DraftVersion:
    """A draft whose v1 is open for comment."""
    draft = make_draft(**kwargs)
    return publish(draft.versions.get(number=1))
