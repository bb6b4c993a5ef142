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


def rendered(source: str, *, marker: str = "fr") -> str:
    """A stand-in rendering of ``source``: every line keeps its Markdown marker and section
    number, its words are marked as another language's (``organisations`` → ``fr:organisations``);
    blank lines stay blank, so it follows the master."""
    import re

    return re.sub(r"(?<![#\w.:])([A-Za-z]{3,})", rf"{marker}:\1", source)


def attach(version: DraftVersion, language: str = "fr", source: str | None = None):
    return services.rendering_attach(
        version=version,
        language=language,
        source=source if source is not None else rendered(version.source, marker=language),
        created_by=None,
    )


def demo_source(language: str = "") -> str:
    """The demo's v1 of the HAIP code, or its rendering in ``language``."""
    from drafts.demo import DEMO_DIR

    name = f"haip-code-v1.{language}.md" if language else "haip-code-v1.md"
    return (DEMO_DIR / name).read_text(encoding="utf-8")


def open_version_in_languages(*languages: str, slug: str = "haip-code") -> DraftVersion:
    """The demo's v1, open for comment, with its published renderings in ``languages``."""
    version = make_draft(slug=slug, source=demo_source()).versions.get(number=1)
    for language in languages:
        attach(version, language, demo_source(language))
    return publish(version)
