"""A digest's documents are written in the language of the person who asked for it: the
headings and labels translated, the comments' own words left as they were filed, each quote
marked with its language where it is not the document's, and the comments counted per
language."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation

from comments.digests.exports import digest_html, digest_markdown, write_digest_docx
from comments.digests.synthesis import SynthesisRequest, synthesise
from comments.exports import labels
from tests.digests.briefing_corpus import briefing_corpus
from tests.digests.exports.test_documents import _docx_text, _meta, public, records

__all__ = ["public", "records"]  # the fixtures, shared with the documents' own tests


@pytest.mark.parametrize(
    ("language", "figures", "campaigns"),
    [
        ("en", "## Figures", "## Campaigns"),
        ("fr", "## Chiffres", "## Campagnes"),
        ("de", "## Zahlen", "## Kampagnen"),
        ("it", "## Cifre", "## Campagne"),
        ("ja", "## 数値", "## キャンペーン"),
    ],
)
def test_the_markdown_headings_are_in_the_askers_language(
    public: dict[str, Any], language: str, figures: str, campaigns: str
) -> None:
    with translation.override(language):
        text = digest_markdown(public, _meta())
    assert figures in text and campaigns in text
    assert "incident reporting portal" in text  # the comments' own words, as filed


def test_the_html_document_says_its_language_and_translates_its_headings(
    public: dict[str, Any],
) -> None:
    with translation.override("de"):
        html = digest_html(public, _meta())
    assert "Kernaussagen" in html or "Zahlen" in html
    assert "Key messages" not in html and ">Figures<" not in html


def test_the_word_document_headings_are_in_the_askers_language(public: dict[str, Any]) -> None:
    out = io.BytesIO()
    with translation.override("ja"):
        write_digest_docx(public, _meta(), out)
    headings, _text = _docx_text(out.getvalue())
    names = [text for _style, text in headings]
    assert "数値" in names and "Figures" not in names


@pytest.fixture(scope="module")
def six_languages() -> dict[str, Any]:
    records, _claims = briefing_corpus()
    return synthesise(records, SynthesisRequest(audience="public")).to_dict()


def _quoted(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        *(quote for theme in data["themes"] for quote in theme["quotes"]),
        *(campaign["representative"] for campaign in data["campaigns"]),
        *(repeat["representative"] for repeat in data["repeats"]),
    ]


@pytest.mark.parametrize("document_language", ["en", "de"])
def test_quotes_stay_in_their_language_marked_when_it_is_not_the_documents(
    six_languages: dict[str, Any], document_language: str
) -> None:
    quotes = _quoted(six_languages)
    assert {q["language"] for q in quotes} >= {"en", "de"}
    with translation.override(document_language):
        text = digest_markdown(six_languages, _meta())
        html = digest_html(six_languages, _meta())
        names = {q["language"]: labels.language(q["language"]) for q in quotes}
    language_of = {q["reference"]: q["language"] for q in quotes}
    sources = [line for line in text.splitlines() if line.startswith("> — ")]
    shown = {
        line[4:].split(",")[0]: line for line in sources if line[4:].split(",")[0] in language_of
    }
    assert len(set(language_of[reference] for reference in shown) - {"und"}) >= 2
    for reference, source in shown.items():
        language = language_of[reference]
        marked = language != "und" and names[language] in source
        # A quote whose language could not be told is not marked with one.
        assert marked == (language not in (document_language, "und")), source
    for language in {language_of[reference] for reference in shown} - {"und"}:
        assert f'<p lang="{language}">' in html


def test_the_documents_count_comments_per_language(six_languages: dict[str, Any]) -> None:
    rows = six_languages["overview"]["by_language"]
    assert (
        len(rows) >= 4
        and sum(row["count"] for row in rows) == six_languages["overview"]["comments"]
    )
    with translation.override("fr"):
        text = digest_markdown(six_languages, _meta())
        html = digest_html(six_languages, _meta())
        out = io.BytesIO()
        write_digest_docx(six_languages, _meta(), out)
        french = [
            f"| {labels.language(row['key'])} | {labels.number(row['count'])} |" for row in rows
        ]
    assert "### Commentaires par langue" in text
    for row in french:
        assert row in text
    assert 'aria-label="Commentaires par langue"' in html
    headings, _text = _docx_text(out.getvalue())
    assert "Commentaires par langue" in [name for _style, name in headings]
