"""The briefing opens every digest document; a PDF's length depends on what there is to say,
not on how many comments or signatories there are; and the first pages of a digest of a
consultation in six languages are saved as pictures (``test-results/digest-briefing/``)."""

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from comments.digests.exports import (
    DocumentMeta,
    digest_html,
    digest_markdown,
    write_digest_docx,
    write_digest_pdf,
)
from comments.digests.synthesis import SynthesisRequest, synthesise
from tests.digests.briefing_corpus import briefing_corpus
from tests.digests.corpora import mass_letters, records_of

RESULTS = Path(__file__).resolve().parents[3] / "test-results" / "digest-briefing"
TITLES = {
    "action-1": "Action 1: Identify, evaluate and mitigate risks across the AI lifecycle.",
    "action-2": "Action 2: Identify and mitigate vulnerabilities, incidents and misuse.",
    "action-5": "Action 5: Develop, implement and disclose AI governance policies.",
    "action-9": "Action 9: Prioritise research to address global challenges.",
}


def _meta(audience: str = "public") -> DocumentMeta:
    return DocumentMeta(
        title="Digest of the HAIP Code of Conduct, version 1",
        draft_title="HAIP Code of Conduct",
        version_number=1,
        audience=audience,
        cutoff=datetime(2026, 3, 31, 23, 59, tzinfo=UTC),
        generated_at=datetime(2026, 4, 1, 8, 0, tzinfo=UTC),
        reference="DG-7",
        section_titles=TITLES,
    )


def _require_pdf() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # WeasyPrint is installed, but Pango may be missing
        pytest.skip(f"WeasyPrint cannot load Pango here: {error}")


def _pdf(data) -> bytes:
    out = io.BytesIO()
    write_digest_pdf(data, _meta(data["audience"]), out)
    return out.getvalue()


@pytest.fixture(scope="module")
def briefed():
    records, _claim_of = briefing_corpus()
    return synthesise(records, SynthesisRequest(audience="public")).to_dict()


def test_every_document_opens_with_the_briefing(briefed):
    out = io.BytesIO()
    write_digest_docx(briefed, _meta(), out)
    docx = "\n".join(p.text for p in Document(io.BytesIO(out.getvalue())).paragraphs)
    first_message = briefed["briefing"]["key_messages"][0]["label"]
    for text in (digest_html(briefed, _meta()), digest_markdown(briefed, _meta()), docx):
        order = [
            text.index(heading)
            for heading in (
                "Key messages",
                "What each stakeholder group wants",
                "Most contested lines",
                "Campaigns",
                "Figures",
            )
        ]
        assert order == sorted(order)
        assert text.index("Stakeholders: ", order[-1]) > text.index("Action 1: Identify", order[-1])
        assert text.index(first_message[:50]) < order[1]
        assert "respondents: " in text and "40 individuals" in text
        assert (
            "Action 1: Identify, evaluate and mitigate risks across the AI lifecycle, lines 10"
            in (text.replace("\\", ""))
        )
        # A section of four comments is read, not summarised.
        assert "Themes are drawn from at least 20 distinct positions" in text


def test_the_first_pages_of_a_multilanguage_digest_are_saved_as_pictures(briefed):
    _require_pdf()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("no pdftoppm here (apt-get install poppler-utils)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    pdf = RESULTS / "digest.pdf"
    pdf.write_bytes(_pdf(briefed))
    for old in RESULTS.glob("page-*.png"):
        old.unlink()
    subprocess.run(
        [pdftoppm, "-f", "1", "-l", "3", "-r", "80", "-png", str(pdf), str(RESULTS / "page")],
        check=True,
        timeout=120,
    )
    pictures = sorted(RESULTS.glob("page-*.png"))
    assert len(pictures) == 3 and all(p.stat().st_size > 10_000 for p in pictures)
    first = PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text().replace("\x00", "")
    assert "Key messages" in first
    assert briefed["briefing"]["key_messages"][0]["label"][:40] in first.replace("\n", " ")


def _pages(size: int) -> tuple[int, dict]:
    data = synthesise(records_of(mass_letters(size)), SynthesisRequest()).to_dict()
    return len(PdfReader(io.BytesIO(_pdf(data))).pages), data


def test_a_pdf_is_as_long_as_what_there_is_to_say_not_as_the_corpus():
    """27 form letters signed by some 22,500 distinct organisations (with stubs and 1,750
    distinct comments beside them) make a document hardly longer than the same shape at a
    tenth of the size: every list is capped (the full lists are in the JSON file and the
    matrix); what grows is a few sections passing the minimum for themes."""
    _require_pdf()
    small, _ = _pages(2_500)
    large, data = _pages(25_000)
    signers = {o for c in data["campaigns"] for o in c["organisations"]}
    assert len(data["campaigns"]) == 27 and len(signers) > 20_000
    assert large <= small + 5, (small, large)
    assert large <= 40


def test_the_documents_state_the_synthesiss_minimum_for_themes():
    from comments.digests.exports import report
    from comments.digests.synthesis import themes

    assert report.MIN_POSITIONS_FOR_THEMES == themes.MIN_POSITIONS_FOR_THEMES
