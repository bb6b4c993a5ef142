"""A draft's source holds the same characters as any free text (``haip_portal.text``, the one
checker comments use too): no control character but tab and line breaks, no bidirectional
embedding, override or isolate; the marks right-to-left text needs stay."""

import pytest

from drafts.markdown import SourceError, parse_source


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("## 1. A\nbell \x07 here\n", "Source line 2 contains a control character (U+0007)"),
        ("## 1. A\nnext\x85line\n", "Source line 2 contains a control character (U+0085)"),
        (
            "## 1. A\ntext\n\nreversed \u202e here\n",
            "Source line 4 contains a bidirectional control character (U+202E)",
        ),
        ("## 1. A\r\n\u2066isolated\r\n", "Source line 2 contains a bidirectional control"),
    ],
)
def test_a_source_with_a_forbidden_character_is_refused_naming_its_line(source, message):
    with pytest.raises(SourceError) as error:
        parse_source(source)
    assert message in str(error.value)


def test_tabs_and_the_marks_of_right_to_left_text_are_kept():
    document = parse_source("## 1. A\nعربي\u200f and עברית\u200e\tend\n")
    (line,) = document.sections[0].lines[1:]
    assert line.source == "عربي\u200f and עברית\u200e\tend"
