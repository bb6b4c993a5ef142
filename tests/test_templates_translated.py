"""Every word a template shows goes through the translation machinery: outside Django's tags,
variables and comments, and outside ``{% blocktranslate %}`` blocks, a template holds no
visible text but punctuation, numbers and the few names that every language writes alike
(below); the same holds for the attributes people read (title, alt, aria-label, placeholder)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Written alike in every language of the portal: names of formats, standards and time zones,
# the portal's acronym, and "v" before a version's number ("v2").
SAME_IN_EVERY_LANGUAGE = {
    "HAIP", "UTC", "PDF", "CSV", "DOCX", "ODT", "JSON", "XLSX", "API", "ISO", "OpenAPI",
    "Markdown", "v", "G7", "TOTP", "A4", "x",
}  # fmt: skip
READ_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "aria-description"}

BLOCKS = re.compile(r"{%\s*(blocktranslate|blocktrans|comment)\b.*?{%\s*end\1\s*%}", re.DOTALL)
TAGS = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)
WORD = re.compile(r"[^\W\d_]+")


def visible_words(text: str) -> list[str]:
    return [word for word in WORD.findall(text) if word not in SAME_IN_EVERY_LANGUAGE]


class LiteralText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and visible_words(value):
                self.found.append(f'{name}="{value}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and visible_words(data):
            self.found.append(" ".join(data.split()))


def literal_text(source: str) -> list[str]:
    parser = LiteralText()
    parser.feed(TAGS.sub(" ", BLOCKS.sub(" ", source)))
    parser.close()
    return parser.found


def templates() -> list:
    found = sorted(path for path in TEMPLATES.rglob("*") if path.suffix in {".html", ".txt"})
    return [pytest.param(path, id=path.relative_to(TEMPLATES).as_posix()) for path in found]


def test_the_checker_finds_literal_text_and_passes_translated_text():
    source = (
        '{% load i18n %}<p title="Hello">{% translate "Hi" %} {{ name }}</p>'
        "{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}<b>Plain words</b>"
        "{# a note #}<span>2026 · UTC — v{{ number }}</span><script>var a = 1;</script>"
    )
    assert literal_text(source) == ['title="Hello"', "Plain words"]


@pytest.mark.parametrize("path", templates())
def test_a_template_shows_no_text_outside_translation_tags(path):
    assert literal_text(path.read_text(encoding="utf-8")) == []
