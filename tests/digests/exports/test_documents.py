"""A digest's documents on real syntheses of small hand-made data: each file opens in its own
parser and says what it should, and a public digest never shows a confidential comment."""

from __future__ import annotations

import io
import json
import random
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.template import Context, Template
from docx import Document

from comments.digests.exports import (
    DocumentMeta,
    bar_chart,
    digest_context,
    digest_html,
    digest_json,
    digest_markdown,
    timeline_chart,
    write_digest_docx,
    write_digest_pdf,
)
from comments.digests.exports.markdown_document import md_escape
from comments.digests.exports.meta import WrongAudience
from comments.digests.exports.report import build_report
from comments.digests.synthesis import CommentRecord, SynthesisRequest, synthesise
from tests.digests.synthesis.corpus import START, record
from tests.digests.synthesis.test_synthesis import SECRET, _with_confidential

TITLES = {
    "action-1": "Action 1: Identify & mitigate risks",
    "action-2": "Action 2: Report incidents",
    "action-3": "Action 3: Publish transparency reports.",
}
SCRIPT = "<script>alert('owned')</script>"
# Confidential text of the planted comments (see _with_confidential): none may reach a public file.
CONFIDENTIAL_TEXTS = (
    SECRET,
    "Article 33",
    "Zyxwv",
    "Hidden Signer",
    "secret alternative",
    "mandatory red-teaming clause",
)


def _records() -> list[CommentRecord]:
    records, _secret = _with_confidential()
    rng = random.Random(3)
    extra = [
        record(
            f"T-{i:02d}",
            f"Transparency reports {rng.choice(['should', 'must'])} list incidents point {i}.",
            section="action-2",
            line_start=40 + i % 3,
            stance=rng.choice(["support", "oppose", "amend", ""]),
            stakeholder_type=rng.choice(["company", "academic", "civil_society"]),
            country=rng.choice(["JP", "DE", ""]),
            created_at=START + timedelta(days=i % 4),
        )
        for i in range(12)
    ]
    extra.append(
        record(
            "X-01",
            f"{SCRIPT} # Not a heading | not a cell",
            section="action-2",
            line_start=44,
            line_end=46,
            kind="editorial",
            stance="amend",
            proposed_text=f"{SCRIPT}\n# Replace with *plain* words | please.",
            organisation="Pipe | & Co",
        )
    )
    return records + extra


@pytest.fixture(scope="module")
def records() -> list[CommentRecord]:
    return _records()


@pytest.fixture(scope="module")
def public(records: list[CommentRecord]) -> dict[str, Any]:
    return synthesise(records, SynthesisRequest(audience="public"), {"P-00": "accepted"}).to_dict()


@pytest.fixture(scope="module")
def working(records: list[CommentRecord]) -> dict[str, Any]:
    digest = synthesise(records, SynthesisRequest(audience="working_group"))
    return digest.to_dict()


def _meta(audience: str = "public") -> DocumentMeta:
    return DocumentMeta(
        title=f"Digest of HAIP Code of Conduct, version 1 ({audience})",
        draft_title="HAIP Code of Conduct",
        version_number=1,
        audience=audience,
        cutoff=datetime(2026, 3, 31, 23, 59, tzinfo=UTC),
        generated_at=datetime(2026, 4, 1, 8, 0, tzinfo=UTC),
        reference="DG-12",
        section_titles=TITLES,
    )


def _docx_text(content: bytes) -> tuple[list[tuple[str, str]], str]:
    """The (style, text) of every paragraph, and all the text including tables."""
    document = Document(io.BytesIO(content))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return paragraphs, "\n".join([text for _, text in paragraphs] + cells)


# --- Charts ------------------------------------------------------------------------------


def test_bar_chart_is_escaped_accessible_svg_with_its_numbers() -> None:
    counts = [{"key": f"k{i}", "count": 20 - i, "share": (20 - i) / 200} for i in range(15)]
    svg = bar_chart(counts, title="Votes <by> group", labels={"k0": "<b>Zero</b> & co"}, max_bars=5)

    root = ET.fromstring(svg)  # noqa: S314 (the SVG we just drew)
    assert root.get("role") == "img" and root.get("aria-label") == "Votes <by> group"
    assert root.findtext("{http://www.w3.org/2000/svg}title") == "Votes <by> group"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<b>Zero</b> & co" in texts and "20 (10%)" in texts
    assert "Other (11)" in texts  # 4 bars kept, the other 11 folded
    assert "<b>" not in svg and "&lt;b&gt;Zero" in svg


def test_timeline_chart_draws_every_day_between_the_first_and_the_last() -> None:
    svg = timeline_chart(
        [{"day": "2026-03-01", "count": 2}, {"day": "2026-03-04", "count": 5}], title="Per day"
    )
    root = ET.fromstring(svg)  # noqa: S314 (the SVG we just drew)
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) == 4
    assert "Busiest day: 2026-03-04 (5)" in svg
    assert "No comments." in timeline_chart([], title="Per day")


# --- The digest as HTML ----------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href")]


def test_digest_html_is_a_complete_print_ready_document(public: dict[str, Any]) -> None:
    html = digest_html(public, _meta())

    parser = _Tags()
    parser.feed(html)
    assert html.startswith("<!DOCTYPE html>") and "@page" in html and "size: A4" in html
    assert parser.tags[:2] == ["html", "head"] and "script" not in parser.tags
    assert parser.urls == []  # loads nothing
    overview = public["overview"]
    assert f"{overview['comments']} comments, {overview['distinct_positions']} distinct" in html
    for heading in ("Action 1: Identify &amp; mitigate risks", "Action 2: Report incidents"):
        assert heading in html
    # A heading's own full stop is not doubled.
    assert "No comments in this digest on: Action 3: Publish transparency reports.</p>" in html
    assert SCRIPT not in html and "&lt;script&gt;alert(&#x27;owned&#x27;)" in html
    assert "Pipe | &amp; Co" in html  # the proposal's organisation
    assert html.count('role="img"') == 8
    assert "DG-12" in html and "Public" in html


def test_the_body_fragment_fits_in_another_page_without_taking_its_names(
    working: dict[str, Any],
) -> None:
    context = digest_context(working, _meta("working_group"))
    page = Template(
        '{% extends "base.html" %}{% block content %}<p id="own">{{ digest }}</p>'
        '{% include "digests/_document_body.html" %}{% endblock %}'
    )

    html = page.render(Context({**context, "digest": "the page's own digest"}))

    assert '<p id="own">the page&#x27;s own digest</p>' in html
    assert html.count("<html") == 1 and "@page" not in html
    assert set(context) == {"digest_data", "meta", "report", "charts"}
    for heading in list(TITLES.values())[:2]:
        assert heading.replace("&", "&amp;") in html
    assert "Confidential" in html and "Zyxwv Secret Holdings" in html
    assert "includes confidential comments, not for publication" in html


# --- The other digest files ------------------------------------------------------------


def test_digest_docx_has_a_heading_per_section_and_tables(public: dict[str, Any]) -> None:
    out = io.BytesIO()
    write_digest_docx(public, _meta(), out)

    paragraphs, text = _docx_text(out.getvalue())
    headings = [text for style, text in paragraphs if style.startswith("Heading 1")]
    # The briefing first, then the campaigns and the figures, then section by section.
    assert headings[0] == "Key messages"
    start = headings.index("Campaigns")
    assert headings[start : start + 3] == ["Campaigns", "Figures", "Dispositions"]
    assert [TITLES["action-1"], TITLES["action-2"]] == headings[start + 3 : start + 5]
    document = Document(io.BytesIO(out.getvalue()))
    agreement = [t for t in document.tables if len(t.columns) == 6]
    took_a_stance = [
        a for a in public["agreement"] if a["overall"]["total"] > a["overall"]["no_stance"]
    ]
    # A stance table for each section where someone took a stance, none of zeros.
    assert len(agreement) == len(took_a_stance) >= 1
    assert agreement[0].rows[-1].cells[0].text == "All"
    quotes = [p for p in document.paragraphs if p.style is not None and p.style.name == "Quote"]
    assert quotes
    assert SCRIPT in text  # Word shows the text as typed


def test_digest_markdown_has_section_headings_and_escapes_user_text(
    public: dict[str, Any],
) -> None:
    markdown = digest_markdown(public, _meta())

    assert markdown.startswith("# Digest of HAIP Code of Conduct")
    assert "\n## Action 1: Identify \\& mitigate risks\n" in markdown
    assert "\n## Action 2: Report incidents\n" in markdown
    assert "\n## Campaigns\n" in markdown
    assert "<script>" not in markdown and "\\<script\\>" in markdown
    assert (
        "\n# Replace" not in markdown
        and "\\# Replace with \\*plain\\* words \\| please" in markdown
    )
    table_rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert all(len(re.findall(r"(?<!\\)\|", row)) == row.count(" | ") + 2 for row in table_rows)


def test_md_escape_defuses_blocks_and_inline_markup() -> None:
    text = "# Title\n> quote\n- item\n1. first\n    code\n[link](http://x) <b>bold</b> a|b"
    assert md_escape(text).split("\n") == [
        "\\# Title",
        "\\> quote",
        "\\- item",
        "1\\. first",
        "code",
        "\\[link\\](http://x) \\<b\\>bold\\</b\\> a\\|b",
    ]


def test_digest_json_holds_meta_and_data_with_sorted_keys(public: dict[str, Any]) -> None:
    content = digest_json(public, _meta())

    document = json.loads(content.decode("utf-8"))
    assert document["digest"] == public
    assert document["meta"]["cutoff"] == "2026-03-31T23:59:00+00:00"
    assert document["meta"]["section_titles"] == TITLES
    assert list(document) == ["digest", "meta"] and list(document["meta"]) == sorted(
        document["meta"]
    )
    assert content == digest_json(public, _meta())


def test_digest_pdf_holds_the_section_titles(public: dict[str, Any]) -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # WeasyPrint is installed, but Pango may be missing
        pytest.skip(f"WeasyPrint cannot load Pango here: {error}")
    from pypdf import PdfReader

    out = io.BytesIO()
    write_digest_pdf(public, _meta(), out)

    assert out.getvalue().startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(out.getvalue()))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    for heading in list(TITLES.values())[:2]:
        assert heading in flat
    assert "Comments by section" in flat  # the charts' text is real text
    for secret in CONFIDENTIAL_TEXTS:
        assert secret not in flat


def test_a_public_digest_shows_no_confidential_text_in_any_file(
    public: dict[str, Any],
) -> None:
    assert public["overview"]["confidential"] == 6
    docx = io.BytesIO()
    write_digest_docx(public, _meta(), docx)
    files = {
        "html": digest_html(public, _meta()),
        "md": digest_markdown(public, _meta()),
        "json": digest_json(public, _meta()).decode(),
        "docx": _docx_text(docx.getvalue())[1],
    }
    for name, text in files.items():
        for secret in CONFIDENTIAL_TEXTS:
            assert secret not in text, (name, secret)
        assert "includes 6 confidential comments, counted there and nowhere else" in text or (
            name == "json"
        )


def test_no_writer_puts_working_group_data_in_a_public_document(
    working: dict[str, Any],
) -> None:
    # The synthesis never puts confidential material in a public digest; a writer handed
    # working-group data for a public document refuses rather than trusting it.
    relabelled = {**working, "audience": "public"}
    for data in (working, relabelled):
        for write in (
            lambda d: digest_html(d, _meta()),
            lambda d: digest_markdown(d, _meta()),
            lambda d: digest_json(d, _meta()),
            lambda d: write_digest_docx(d, _meta(), io.BytesIO()),
        ):
            with pytest.raises(WrongAudience):
                write(data)


def _proposal(text: str, count: int, start: int = 0) -> dict[str, Any]:
    return {
        "line_start": 40,
        "line_end": 40,
        "text": text,
        "references": [f"R-{start + n:04d}" for n in range(count)],
        "organisations": [f"Org {start + n}" for n in range(count)],
        "confidential": False,
    }


def test_each_range_lists_its_shared_proposals_or_one_example(
    public: dict[str, Any],
) -> None:
    shared = [
        _proposal("Campaign wording", 40),
        _proposal("Second wording", 2, start=100),
        _proposal("Third wording", 2, start=200),
        _proposal("Fourth wording", 2, start=300),
    ]
    singles = [_proposal(f"Lone wording {n}", 1, start=400 + n) for n in range(5)]
    group = {"section_keys": ["action-2"], "line_start": 40, "line_end": 40, "undisclosed": 0}
    data = {
        **public,
        "changes": [
            {**group, "comments": 47, "proposals": [*shared, singles[0]]},
            {**group, "line_start": 41, "line_end": 41, "comments": 5, "proposals": singles},
        ],
    }
    report = build_report(data, _meta())
    ranges = [change for section in report.sections for change in section.changes]
    assert [[p.text for p in change.proposals] for change in ranges] == [
        ["Campaign wording", "Fourth wording", "Second wording"],
        ["Lone wording 0"],
    ]
    assert ranges[0].more == "2 more distinct proposals, from 3 comments, in the comment " + (
        "matrix and the JSON file."
    )
    assert ranges[1].more.startswith("4 more distinct proposals, from 4 comments")
    # A proposal of many comments names its first ten references and organisations.
    source = ranges[0].proposals[0].source
    assert "proposed in 40 comments: R-0000, " in source and "R-0009 and 30 more" in source
    assert "R-0010" not in source and "Org 9 and 30 more organisations" in source
