import pytest

from drafts.markdown import (
    MAX_LINES,
    MAX_SOURCE_BYTES,
    SourceError,
    parse_source,
    render_markdown,
    section_key,
)
from tests.drafts.factories import markdown_source


def test_every_non_blank_line_is_numbered_through_the_document():
    document = parse_source(
        "# Title\n\nIntro.\n\n## 1. First\n\n- a\n- b\n\n\n## 2. Second\nText\n"
    )
    numbered = [(line.number, line.text) for s in document.sections for line in s.lines]
    assert numbered == [
        (1, "Title"),
        (2, "Intro."),
        (3, "1. First"),
        (4, "a"),
        (5, "b"),
        (6, "2. Second"),
        (7, "Text"),
    ]
    assert [(s.key, s.line_start, s.line_end) for s in document.sections] == [
        ("preamble", 1, 2),
        ("action-1", 3, 5),
        ("action-2", 6, 7),
    ]


def test_line_kinds_and_rendered_inline_markdown():
    document = parse_source(
        "## 3. Report\n- Use **strong** [links](https://g7.example)\n> quoted\n"
    )
    heading, item, quote = document.sections[0].lines
    assert (heading.kind, item.kind, quote.kind) == ("heading", "item", "quote")
    assert item.text == "Use strong links"
    assert "<strong>strong</strong>" in item.html
    assert 'href="https://g7.example"' in item.html
    assert 'rel="noopener noreferrer nofollow ugc"' in item.html


def test_headings_inside_code_fences_do_not_start_sections():
    document = parse_source("## 1. A\n```\n## not a heading\n```\n## 2. B\n")
    assert [s.key for s in document.sections] == ["action-1", "action-2"]
    assert [line.kind for line in document.sections[0].lines] == ["heading", "code", "code", "code"]


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("3. Publicly report AI systems' capabilities", "action-3"),
        ("Action 11: data protection", "action-11"),
        ("Glossary of terms", "glossary-of-terms"),
    ],
)
def test_section_keys_are_stable_and_readable(title, key):
    assert section_key(title) == key


def test_the_haip_code_imports_with_its_eleven_actions():
    from drafts.demo import DEMO_DIR

    document = parse_source((DEMO_DIR / "haip-code-v1.md").read_bytes())
    keys = [section.key for section in document.sections]
    assert keys == ["preamble", *[f"action-{n}" for n in range(1, 12)]]
    source_lines = (DEMO_DIR / "haip-code-v1.md").read_text().splitlines()
    assert document.line_count == sum(1 for line in source_lines if line.strip())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "The source is empty"),
        ("  \n\n\t\n", "The source is empty"),
        (b"## 1. A\n\xff\xfe broken", "not valid UTF-8 (undecodable byte at position 8)"),
        ("## 1. A\n## 1. Again\n", "Duplicate section key 'action-1'"),
        ("## Scope\ntext\n## Scope\n", "Duplicate section key 'scope'"),
        ("## 1. A\n<script>alert(1)</script>\n", "Source line 2 contains raw HTML (<script>"),
        ("## 1. A\nSome <b>bold</b> text\n", "Source line 2 contains raw HTML (<b>"),
        ("## 1. A\n\n<div>\nblock\n</div>\n", "Source line 3 contains raw HTML (<div>"),
        ("## 1. A\nbell \x07 here\n", "Source line 2 contains a control character (U+0007)"),
    ],
)
def test_bad_sources_are_rejected_with_a_message_naming_the_problem(raw, message):
    with pytest.raises(SourceError) as error:
        parse_source(raw)
    assert message in str(error.value)


def test_sources_over_one_megabyte_are_rejected():
    raw = "## 1. A\n" + ("x" * 99 + "\n") * (MAX_SOURCE_BYTES // 100 + 1)
    with pytest.raises(SourceError, match=r"bytes; the limit is 1,000,000 bytes \(1 MB\)"):
        parse_source(raw)


def test_sources_over_twenty_thousand_lines_are_rejected():
    exactly = "## 1. A\n" + "x\n" * (MAX_LINES - 1)
    assert parse_source(exactly).line_count == MAX_LINES
    with pytest.raises(SourceError, match="more than 20,000 non-blank lines"):
        parse_source(exactly + "one too many\n")


def test_a_byte_order_mark_and_windows_line_endings_are_accepted():
    document = parse_source("\ufeff## 1. A\r\ntext\r\n".encode())
    assert [line.text for line in document.sections[0].lines] == ["1. A", "text"]


def test_render_markdown_keeps_no_script_and_no_unsafe_link():
    html = render_markdown(
        "Hello <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/i.png)"
    )
    assert "<script" not in html
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert "href" not in html  # the javascript: link stays inert text
    assert "<img" not in html


def test_factory_source_parses():
    assert parse_source(markdown_source(sections=2, lines_per_section=4)).line_count == 2 + 2 * 5
