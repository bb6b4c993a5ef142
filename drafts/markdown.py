"""Markdown handling for drafts: splitting a source into sections and numbered lines, and
rendering Markdown to sanitised HTML.

Everything here is pure: text in, plain data out. The numbering rule is the one bills and ISO
drafts use: every non-blank source line is a line, numbered 1…N through the whole document,
so a comment can cite "line 12" and mean the same words for everyone.
"""

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

import nh3
from django.utils.text import slugify
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from haip_portal.text import forbidden_character

MAX_SOURCE_BYTES = 1_000_000
MAX_LINES = 20_000
PREAMBLE_KEY = "preamble"

ALLOWED_INLINE_TAGS = {"a", "em", "strong", "code", "del", "s", "sub", "sup", "br"}
ALLOWED_BLOCK_TAGS = ALLOWED_INLINE_TAGS | {
    "p",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_SECTION_HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*#*\s*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_NUMBERED_TITLE = re.compile(r"^(?:action\s+)?(?P<number>\d{1,4})[.):]?\s+", re.IGNORECASE)


class SourceError(ValueError):
    """The Markdown source cannot become a draft version; the message says why."""


class LineKind:
    TITLE = "title"
    HEADING = "heading"
    SUBHEADING = "subheading"
    ITEM = "item"
    QUOTE = "quote"
    CODE = "code"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class ParsedLine:
    number: int
    kind: str
    source: str
    text: str
    html: str


@dataclass(slots=True)
class ParsedSection:
    key: str
    heading: str
    position: int
    lines: list[ParsedLine] = field(default_factory=list)

    @property
    def line_start(self) -> int:
        return self.lines[0].number

    @property
    def line_end(self) -> int:
        return self.lines[-1].number


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    sections: list[ParsedSection]

    @property
    def line_count(self) -> int:
        return sum(len(section.lines) for section in self.sections)


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")


@lru_cache(maxsize=1)
def _html_detector() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True})


def sanitise(rendered: str, *, tags: set[str] = ALLOWED_BLOCK_TAGS) -> str:
    """Keep only harmless tags, attributes and link schemes; links open nothing in our name."""
    return nh3.clean(
        rendered,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
    )


def render_markdown(source: str) -> str:
    """Render user-supplied Markdown (summaries, changelogs, comments) to safe HTML.

    Raw HTML in the source is shown as text, never interpreted; the sanitiser is the second
    wall behind that.
    """
    return sanitise(_renderer().render(source))


def render_inline(source: str) -> str:
    return sanitise(_renderer().renderInline(source), tags=ALLOWED_INLINE_TAGS)


def _plain_text(inline_html: str) -> str:
    return html.unescape(nh3.clean(inline_html, tags=set()))


def decode_source(raw: bytes | str) -> str:
    """Turn uploaded bytes into text, refusing anything that is not UTF-8."""
    if isinstance(raw, str):
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(
            _(
                "The source is not valid UTF-8 (undecodable byte at position %(start)s). "
                "Save the file as UTF-8 and upload it again."
            )
            % {"start": error.start}
        ) from error
    return text.removeprefix("\ufeff")


def section_key(title: str) -> str:
    """A key that stays the same across versions: "3. Publicly report …" → ``action-3``."""
    numbered = _NUMBERED_TITLE.match(title)
    if numbered:
        return f"action-{int(numbered.group('number'))}"
    return slugify(title)[:60].strip("-") or "section"


def _check_no_html(source: str) -> None:
    for token in _html_detector().parse(source):
        if token.type == "html_block" or (
            token.type == "inline"
            and any(child.type == "html_inline" for child in token.children or [])
        ):
            line = token.map[0] + 1 if token.map else 1
            raise SourceError(
                _(
                    "Source line %(line)s contains raw HTML (%(tag)s). Drafts are plain "
                    "Markdown: remove the HTML or write it as text in backticks."
                )
                % {"line": line, "tag": _first_tag(token.content)}
            )


def _first_tag(content: str) -> str:
    match = re.search(r"<[^>\n]{0,40}>?", content)
    return match.group(0) if match else "an HTML tag"


def _parse_line(number: int, source: str, *, in_code: bool) -> ParsedLine:
    if in_code:
        escaped = html.escape(source)
        return ParsedLine(number, LineKind.CODE, source, source, f"<code>{escaped}</code>")
    heading = _HEADING.match(source)
    if heading:
        level = len(heading.group("hashes"))
        kind = {1: LineKind.TITLE, 2: LineKind.HEADING}.get(level, LineKind.SUBHEADING)
        body = heading.group("title")
    elif _LIST_ITEM.match(source):
        kind, body = LineKind.ITEM, _LIST_ITEM.sub("", source, count=1)
    elif _QUOTE.match(source):
        kind, body = LineKind.QUOTE, _QUOTE.sub("", source, count=1)
    else:
        kind, body = LineKind.TEXT, source.strip()
    rendered = render_inline(body)
    return ParsedLine(number, kind, source, _plain_text(rendered), rendered)


def _checked_source(raw: bytes | str) -> str:
    """The source as text with ``\\n`` line ends, or the first reason it cannot be a draft."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8"))
    if size > MAX_SOURCE_BYTES:
        raise SourceError(
            _("The source is %(size)s bytes; the limit is %(max)s bytes (1 MB).")
            % {"size": f"{size:,}", "max": f"{MAX_SOURCE_BYTES:,}"}
        )
    source = decode_source(raw)
    if not source.strip():
        raise SourceError(_("The source is empty: paste or upload the draft's Markdown text."))
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    forbidden = forbidden_character(source)
    if forbidden:
        line = source.count("\n", 0, forbidden.position - 1) + 1
        raise SourceError(
            _("Source line %(line)s contains %(character)s; remove it.")
            % {"line": line, "character": forbidden.described_as_one()}
        )
    _check_no_html(source)
    return source


def _new_section(
    title: str, source_number: int, sections: list[ParsedSection], first_line_of_key: dict[str, int]
) -> ParsedSection:
    """Open the section a ``##`` heading starts; two headings may not give the same key."""
    key = section_key(_plain_text(render_inline(title)))
    if key in first_line_of_key:
        raise SourceError(
            _(
                "Duplicate section key '%(key)s': the headings on source lines "
                "%(first)s and %(second)s both produce it. Give each "
                "section a distinct number or title."
            )
            % {
                "key": key,
                "first": first_line_of_key[key],
                "second": source_number,
            }
        )
    first_line_of_key[key] = source_number
    section = ParsedSection(key=key, heading="", position=len(sections))
    sections.append(section)
    return section


def parse_source(raw: bytes | str) -> ParsedDocument:
    """Split a Markdown source into sections (one per ``##`` heading) and numbered lines.

    Lines before the first ``##`` heading form a ``preamble`` section. Raises
    :class:`SourceError` naming the problem for empty, oversized, non-UTF-8 or HTML-bearing
    sources and for headings that would give two sections the same key.
    """
    source = _checked_source(raw)
    sections: list[ParsedSection] = []
    first_line_of_key: dict[str, int] = {}
    current: ParsedSection | None = None
    number = 0
    fence: str | None = None

    for source_number, source_line in enumerate(source.split("\n"), start=1):
        if not source_line.strip():
            continue
        number += 1
        if number > MAX_LINES:
            raise SourceError(
                _("The source has more than %(max)s non-blank lines; split the draft.")
                % {"max": f"{MAX_LINES:,}"}
            )
        fence_match = _FENCE.match(source_line)
        in_code = fence is not None
        section_heading = None if in_code else _SECTION_HEADING.match(source_line)
        if section_heading:
            current = _new_section(
                section_heading.group("title"), source_number, sections, first_line_of_key
            )
        elif current is None:
            current = ParsedSection(key=PREAMBLE_KEY, heading="Preamble", position=0)
            first_line_of_key[PREAMBLE_KEY] = source_number
            sections.append(current)

        parsed = _parse_line(number, source_line, in_code=in_code or bool(fence_match))
        if section_heading:
            current.heading = parsed.text
        current.lines.append(parsed)

        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None

    return ParsedDocument(sections=sections)
