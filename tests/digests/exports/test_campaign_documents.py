"""How the documents show a campaign: its template once, the copies, how many added text of
their own, the distinct submitters and organisations, the organisations capped "and N more"
(the JSON keeps them all); and a repeat apart from the campaigns."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime
from typing import Any

import pytest
from docx import Document

from comments.digests.exports import (
    DocumentMeta,
    digest_html,
    digest_json,
    digest_markdown,
    write_digest_docx,
)
from comments.digests.exports.report import MAX_CAMPAIGN_ORGANISATIONS
from comments.digests.synthesis import SynthesisRequest, synthesise
from tests.digests.corpora import personal_paragraph, template_letter
from tests.digests.synthesis.corpus import distinct_body, record

SIGNERS = 32
OWN = 12  # the first signers add a paragraph of their own


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    rng = random.Random(21)
    letter = template_letter(rng)
    records = [record(f"D-{i:02d}", distinct_body(rng)) for i in range(40)]
    for index in range(SIGNERS):
        body = f"Dear Secretary,\n\n{letter}"
        if index < OWN:
            body += "\n\n" + personal_paragraph(random.Random(index))
        records.append(record(f"S-{index:02d}", body, organisation=f"Signer {index:02d}"))
    repeated = distinct_body(rng) + " " + distinct_body(rng)
    records += [record(f"R-{i}", repeated, organisation="Repeater") for i in range(4)]
    return synthesise(records, SynthesisRequest(audience="public")).to_dict()


def _meta() -> DocumentMeta:
    return DocumentMeta(
        title="Digest of HAIP Code of Conduct, version 1 (public)",
        draft_title="HAIP Code of Conduct",
        version_number=1,
        audience="public",
        cutoff=datetime(2026, 3, 31, 23, 59, tzinfo=UTC),
        generated_at=datetime(2026, 4, 1, 8, 0, tzinfo=UTC),
        reference="DG-12",
        section_titles={"action-1": "Action 1: Identify & mitigate risks"},
    )


def _docx(data: dict[str, Any]) -> str:
    out = io.BytesIO()
    write_digest_docx(data, _meta(), out)
    document = Document(io.BytesIO(out.getvalue()))
    return "\n".join(p.text for p in document.paragraphs)


def test_every_document_shows_the_campaign_once_with_its_counts(data: dict[str, Any]) -> None:
    (campaign,) = data["campaigns"]
    assert campaign["copies"] == SIGNERS and campaign["with_own_text"] == OWN
    template = campaign["representative"]["text"]
    assert not template.startswith("Dear")
    more = SIGNERS - MAX_CAMPAIGN_ORGANISATIONS
    for text in (digest_markdown(data, _meta()), digest_html(data, _meta()), _docx(data)):
        assert f"{SIGNERS} copies, {OWN} of them with text of their own added" in text
        assert f"{SIGNERS} distinct submitters, {SIGNERS} distinct organisations" in text
        assert f"and {more} more" in text
        assert "Signer 31" not in text  # past the cap
        assert "filed one text 4 times" in text and "Repeater" in text
    # Quoted once among the campaigns, and at most once more where the briefing names it as
    # a key message (unless a theme speaks for it); a group's wants name it by its opening.
    document = _docx(data)
    (briefing, campaigns) = document.split("\nCampaigns\n")
    assert campaigns.split("\nFigures\n")[0].count(template[:60]) == 1
    assert briefing.count(template) <= 1
    stored = json.loads(digest_json(data, _meta()))
    assert len(stored["digest"]["campaigns"][0]["organisations"]) == SIGNERS
