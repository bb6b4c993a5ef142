"""A digest's documents are written in the language of the person who asked for it: not only
their headings but every sentence they generate (sizes, shares, notes, "and 3 more", dates,
the matrix's columns), while the comments' own words stay as they were filed.

The check is by phrase: every run of three words of the English document that the digest's
data does not supply (so the portal wrote them) must be absent from the document written in
French, German, Italian or Japanese. A sentence left untranslated anywhere in the exports
fails it, whichever corpus or count brings it out."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from django.utils import translation
from docx import Document
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from comments.digests.exports import (
    DocumentMeta,
    digest_html,
    digest_markdown,
    write_digest_docx,
)
from comments.digests.synthesis import CommentRecord, SynthesisRequest, synthesise
from comments.exports import labels, write_matrix_docx, write_matrix_xlsx
from comments.exports.matrix import MatrixRow
from tests.digests.briefing_corpus import briefing_corpus
from tests.digests.exports.test_documents import _records
from tests.digests.synthesis.corpus import START, record

LANGUAGES = ("fr", "de", "it", "ja")
_WORD = re.compile(r"[A-Za-z]+")


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def _trigrams(words: list[str]) -> set[tuple[str, str, str]]:
    return set(zip(words, words[1:], words[2:], strict=False))


def _strings(value: Any) -> Iterator[str]:
    """Every string the digest's data holds, however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


class _Text(HTMLParser):
    """The text a reader sees: no markup, no style sheet."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script")
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return unescape("".join(parser.parts))


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _documents(data: dict[str, Any], meta: DocumentMeta, language: str) -> dict[str, str]:
    with translation.override(language):
        out = io.BytesIO()
        write_digest_docx(data, meta, out)
        return {
            "markdown": digest_markdown(data, meta),
            "html": _html_text(digest_html(data, meta)),
            "word": _docx_text(out.getvalue()),
        }


def _meta(data: dict[str, Any]) -> DocumentMeta:
    keys = sorted(data.get("sections", ()))
    return DocumentMeta(
        # Titles come from the worker and the draft, in their own language.
        title="Zusammenfassung HAIP",
        draft_title="HAIP Verhaltenskodex",
        version_number=1,
        audience=data["audience"],
        cutoff=datetime(2026, 3, 31, 23, 59, tzinfo=UTC),
        generated_at=datetime(2026, 4, 1, 8, 0, tzinfo=UTC),
        reference="DG-7",
        # With a section nobody commented on, which the documents name.
        section_titles={
            key: f"Aktion {key.rsplit('-', 1)[-1]}: Kodex" for key in [*keys, "action-11"]
        },
    )


def _untranslated(data: dict[str, Any], language: str) -> dict[str, set[tuple[str, str, str]]]:
    """By document, the phrases of the English document that the portal wrote (at least two
    of their three words are not in the data: one alone may be a name next to a word both
    languages share, such as "version") and that the ``language`` document still holds."""
    meta = _meta(data)
    supplied = [*_strings(data), meta.title, meta.draft_title, *meta.section_titles.values()]
    with translation.override(language):
        # A country whose name is the same in both languages ("Canada") is not left English.
        supplied += [labels.country(c["key"]) for c in data["overview"]["by_country"]]
    supplied_words = {word for text in supplied for word in _words(text)}
    english = _documents(data, meta, "en")
    translated = _documents(data, meta, language)
    found = {}
    for name, text in english.items():
        written = {
            phrase
            for phrase in _trigrams(_words(text))
            if sum(word not in supplied_words for word in phrase) >= 2
        }
        assert written, f"the English {name} document holds no sentence of its own"
        left = written & _trigrams(_words(translated[name]))
        if left:
            found[name] = left
    return found


@pytest.fixture(scope="module")
def corpora() -> dict[str, dict[str, Any]]:
    records = _records()
    briefing, _claims = briefing_corpus()
    return {
        "public": synthesise(records, SynthesisRequest(audience="public")).to_dict(),
        "working group": synthesise(
            records, SynthesisRequest(audience="working_group"), {"P-00": "accepted"}
        ).to_dict(),
        "six languages": synthesise(briefing, SynthesisRequest(audience="public")).to_dict(),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_sentence_the_portal_writes_stays_english(corpora, language: str) -> None:
    left = {name: _untranslated(data, language) for name, data in corpora.items()}
    assert left == {name: {} for name in corpora}


def _generated_records(draws: list[tuple[int, int, str, str, int, bool]]) -> list[CommentRecord]:
    words = ("Kodex", "Pflicht", "Meldung", "Risiko", "Prüfung", "Bericht", "Vorfall")
    records = []
    for index, (section, line, stance, stakeholder, copies, confidential) in enumerate(draws):
        body = " ".join(words[(index + k) % len(words)] for k in range(8)) + f" {index}."
        for copy in range(copies):
            records.append(
                record(
                    f"G-{index:02d}-{copy}",
                    body,
                    section=f"action-{section}",
                    line_start=line,
                    line_end=line + copy % 2,
                    stance=stance,
                    stakeholder_type=stakeholder,
                    organisation=f"Verband {index}-{copy}" if copy % 3 else "",
                    confidential=confidential and copy == 0,
                    proposed_text=f"Neuer Wortlaut {index % 3}" if stance == "amend" else "",
                    created_at=START + timedelta(days=index % 5, hours=copy),
                )
            )
    return records


DRAWS = st.lists(
    st.tuples(
        st.integers(1, 3),
        st.integers(10, 14),
        st.sampled_from(["support", "oppose", "amend", ""]),
        st.sampled_from(["company", "academic", "civil_society", "individual"]),
        st.integers(1, 5),
        st.booleans(),
    ),
    min_size=1,
    max_size=14,
)


# Each example synthesises and writes six documents: shrinking one would take minutes, and the
# failing phrases it reports say where the English is.
@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    draws=DRAWS,
    audience=st.sampled_from(["public", "working_group"]),
    language=st.sampled_from(LANGUAGES),
)
def test_any_digest_is_written_in_the_askers_language(draws, audience, language) -> None:
    """Whatever the counts (one or many comments, sections, copies, confidential or not)."""
    records = _generated_records(draws)
    request = SynthesisRequest(audience=audience, campaign_min_submitters=2)
    data = synthesise(records, request, {records[0].reference: "rejected"}).to_dict()
    assert _untranslated(data, language) == {}


def _matrix_rows() -> Iterable[MatrixRow]:
    yield MatrixRow(
        reference="HAIP-V1-000001",
        organisation="",
        stakeholder_type="company",
        country="JP",
        line_start=12,
        line_end=14,
        clause="action-3",
        clause_title="Aktion 3",
        paragraph="",
        comment_type="te",
        comment="Kodex",
        proposed_change="",
        observations="",
        confidential=True,
        submitted_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("language", "column", "secret"),
    [
        ("fr", "Observations du secrétariat", "Confidentiel"),
        ("de", "Anmerkungen des Sekretariats", "Vertraulich"),
        ("it", "Osservazioni del segretariato", "Riservato"),
        ("ja", "事務局の所見", "非公開"),
    ],
)
def test_the_matrix_files_are_written_in_the_askers_language(language, column, secret) -> None:
    with translation.override(language):
        xlsx, docx = io.BytesIO(), io.BytesIO()
        write_matrix_xlsx(_matrix_rows(), xlsx, title="Kodex")
        write_matrix_docx(_matrix_rows(), docx, title="Kodex")
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    assert sheet is not None
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert column in header and "Observations of the secretariat" not in header
    text = _docx_text(docx.getvalue())
    assert column in text and f"[{secret}]" in text and "Not attributed" not in text
