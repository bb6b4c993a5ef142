"""Position papers in digests: a comment that points to its paper holds the paper's position
in the themes (it is not a stub); labels and quotes stay the comment's own words; a public
digest never reads the paper of a confidential comment."""

import dataclasses

import pytest
from django.utils import timezone

from comments import services
from comments.digests import selectors
from comments.digests.models import Digest
from comments.digests.synthesis import SynthesisRequest, synthesise
from tests.comments.factories import representative_of, verified_organisation
from tests.comments.papers import pdf_bytes, upload
from tests.digests.briefing_corpus import briefing_corpus
from tests.drafts.factories import open_version

POINTER = "Please see our attached position paper."
PAPER = (
    "Cloned voices and synthetic video deceive people today, so the watermarking duty must "
    "reach audio and video as it reaches images."
)


def _with_papers(papers: bool):
    records, claim_of = briefing_corpus()
    template = next(r for r in records if claim_of[r.reference] == "watermark-media")
    added = [
        dataclasses.replace(
            template,
            reference=f"P-{n}",
            body=POINTER,
            organisation=f"Paper filer {n}",
            papers=PAPER if papers else "",
            content_hash=f"paper-{n}",
        )
        for n in range(6)
    ]
    claim_of.update({r.reference: "watermark-media" for r in added})
    return records + added, claim_of


def test_a_comment_that_is_a_paper_holds_the_papers_position():
    records, claim_of = _with_papers(True)
    synthesis = synthesise(records, SynthesisRequest())
    holding = [t for t in synthesis.themes if any(r.startswith("P-") for r in t.references)]
    # With the comments that make the same claim in their own words.
    assert holding
    assert all(claim_of[t.label_reference] == "watermark-media" for t in holding)
    for theme in holding:  # the paper is read, never quoted as if the comment said it
        assert PAPER[:40] not in theme.label
        assert all(PAPER[:40] not in q.text for q in theme.quotes)


def test_without_its_paper_such_a_comment_is_a_stub_and_only_counted():
    records, _claim_of = _with_papers(False)
    synthesis = synthesise(records, SynthesisRequest())
    assert not [t for t in synthesis.themes if any(r.startswith("P-") for r in t.references)]
    assert synthesis.overview.comments == len(records)


@pytest.mark.django_db
def test_a_digest_reads_the_papers_its_audience_may_read():
    version = open_version()
    organisation = verified_organisation()
    author = representative_of(organisation)

    def file(visibility, words):
        return services.comment_submit(
            version=version,
            author=author,
            data=services.CommentInput(
                line_start=3,
                line_end=3,
                body=POINTER,
                organisation=organisation.slug,
                visibility=visibility,
            ),
            attachments=[upload("paper.pdf", pdf_bytes(words))],
        )

    public = file("public", "Open weights need staged release")
    secret = file("confidential", "Zyxwv confidential findings")
    now = timezone.now()
    for audience, expected in (("public", {public.reference}), ("working_group", None)):
        digest = Digest.objects.create(version=version, audience=audience, cutoff=now)
        records = {r.reference: r for r in selectors.digest_records(digest)}
        if expected is not None:
            assert set(records) == expected
        assert "staged release" in records[public.reference].papers
        assert all("Zyxwv" not in r.papers for r in records.values()) == (audience == "public")
    assert secret.reference
