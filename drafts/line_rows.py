"""The numbered lines of the draft page as HTML, written here rather than in a template loop.

At 2,000 lines the template's loop (a ``blocktranslate`` and several localised numbers per
line) took most of the page's time. A published version's text is frozen, and so is a
published rendering's, so the lines' own markup (number, text, section anchor) is kept in the
cache by version, rendering and interface language; only the comment counts in the gutter,
which change with every comment, are written per request.
"""

from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from .models import DraftVersion, Line, Rendering
from .selectors import SectionWithLines

# Bumped when the markup below changes, so that no page mixes old and new rows.
_MARKUP = 1
CACHE_SECONDS = 24 * 60 * 60


def _cache_key(version: DraftVersion, rendering: Rendering | None) -> str | None:
    """Where the rows of a frozen text are kept (its publication time is part of the key);
    None for a text that may still change."""
    if version.published_at is None or not version.is_frozen:
        return None
    words = "master"
    if rendering is not None:
        if rendering.published_at is None or not rendering.is_frozen:
            return None
        words = f"r{rendering.pk}.{rendering.published_at.timestamp()}"
    published = version.published_at.timestamp()
    return f"draft-lines:{_MARKUP}:{version.pk}.{published}:{words}:{get_language()}"


def _line_markup(sections: Sequence[SectionWithLines]) -> list[list[str]]:
    """Each line's row up to its gutter count (the row stays open), section by section."""
    line_label = _("Line %(number)s")
    section_label = escape(_("Link to this section"))
    out = []
    for item in sections:
        key = escape(item.section.key)
        rows = []
        for line in item.lines:
            number = line.number
            head = (
                f'<div class="line line-{escape(line.kind)}" id="L{number}"><a class="ln" '
                f'href="#L{number}" aria-label="{escape(line_label % {"number": number})}">'
                f"{number}</a>"
            )
            if line.kind == Line.Kind.HEADING:
                body = (
                    f'<h2><span class="lt">{line.html}</span> <a class="anchor" href="#{key}" '
                    f'aria-label="{section_label}">#</a></h2>'
                )
            elif line.kind == Line.Kind.SUBHEADING:
                body = f'<h3 class="lt">{line.html}</h3>'
            else:
                body = f'<p class="lt">{line.html}</p>'
            rows.append(head + body)
        out.append(rows)
    return out


class _NoteCounts:
    """Writes the gutter's link to a line's comments, with their endorsements. The words
    depend on the numbers only through their plural forms, so each number is translated
    once per page (at 1,000,000 comments every line has a count: 2,000 lines asked gettext
    for 6,000 plurals)."""

    def __init__(self) -> None:
        self._endorsed: dict[int, str] = {}
        self._labels: dict[tuple[int, bool], str] = {}

    def _label(self, comments: int, endorsed: bool) -> str:
        key = (comments, endorsed)
        if key not in self._labels:
            if endorsed:
                self._labels[key] = ngettext(
                    "%(comments)s comment %(endorsed)s on line %(number)s",
                    "%(comments)s comments %(endorsed)s on line %(number)s",
                    comments,
                )
            else:
                self._labels[key] = ngettext(
                    "%(comments)s comment on line %(number)s",
                    "%(comments)s comments on line %(number)s",
                    comments,
                )
        return self._labels[key]

    def link(self, number: int, comments: int, endorsements: int) -> str:
        values: dict[str, object] = {"comments": comments, "number": number}
        extra = ""
        if endorsements:
            if endorsements not in self._endorsed:
                self._endorsed[endorsements] = ngettext(
                    "with %(endorsements)s endorsement",
                    "with %(endorsements)s endorsements",
                    endorsements,
                ) % {"endorsements": endorsements}
            values["endorsed"] = self._endorsed[endorsements]
            extra = f'<span class="endorsement-count" aria-hidden="true">+{endorsements}</span>'
        label = self._label(comments, bool(endorsements)) % values
        return (
            f'<a class="note-count" href="?line={number}#L{number}" aria-label="{escape(label)}">'
            f"{comments}{extra}</a>"
        )


def section_rows(
    version: DraftVersion, rendering: Rendering | None, sections: Sequence[SectionWithLines]
) -> list[tuple[SectionWithLines, SafeString]]:
    """Each section with the HTML of its lines: the text (cached for a frozen text) and the
    gutter counts the page's extensions set on the lines (``note_count``,
    ``endorsement_count``)."""
    key = _cache_key(version, rendering)
    markup: Any = cache.get(key) if key else None
    if markup is None or [len(rows) for rows in markup] != [len(i.lines) for i in sections]:
        markup = _line_markup(sections)
        if key:
            cache.set(key, markup, CACHE_SECONDS)
    notes = _NoteCounts()
    out = []
    for item, rows in zip(sections, markup, strict=True):
        parts = []
        for line, row in zip(item.lines, rows, strict=True):
            comments = getattr(line, "note_count", 0)
            if comments:
                endorsements = getattr(line, "endorsement_count", 0)
                row += notes.link(line.number, comments, endorsements)
            parts.append(row + "</div>\n")
        out.append((item, mark_safe("".join(parts))))  # noqa: S308 - escaped above
    return out
