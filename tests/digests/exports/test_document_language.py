"""A digest's documents are written in the language of the person who asked for it: the
headings and labels translated, the comments' own words left as they were filed."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation

from comments.digests.exports import digest_html, digest_markdown, write_digest_docx
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
