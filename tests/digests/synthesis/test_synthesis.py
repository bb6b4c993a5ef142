"""The synthesis pipeline on hand-made and generated records with known answers."""

import json
import random
from datetime import timedelta

import pytest

from comments.digests.synthesis import (
    ExcerptMismatch,
    SynthesisRequest,
    agreement,
    check_excerpts,
    disposition_summary,
    excerpt,
    find_campaigns,
    proposed_changes,
    similarity_groups,
    synthesise,
    themes_per_section,
)
from comments.digests.synthesis.themes import positions_from_groups
from tests.digests.synthesis.corpus import (
    CAMPAIGN_LETTER,
    START,
    campaign_copy,
    distinct_body,
    record,
)


def _planted_corpus():
    rng = random.Random(2026)
    records = [record(f"D-{i:04d}", distinct_body(rng)) for i in range(500)]
    campaign = [record(f"C-{i:04d}", campaign_copy(rng)) for i in range(50)]
    mixed = records + campaign
    rng.shuffle(mixed)
    return mixed, campaign


def test_planted_campaign_is_found_with_exactly_its_members():
    records, campaign = _planted_corpus()
    assert len({r.content_hash for r in campaign}) > 10  # genuinely edited copies

    found = find_campaigns(records)

    assert len(found) == 1
    assert found[0].references == tuple(sorted(r.reference for r in campaign))
    assert found[0].signatories == 50
    assert found[0].representative is not None
    assert found[0].representative.reference in found[0].references


def test_distinct_comments_stay_apart():
    records, _campaign = _planted_corpus()
    groups = similarity_groups(records).groups
    assert len(groups) == 500 + 1


def test_exact_duplicates_fold_and_need_three_submitters_to_be_a_campaign():
    rng = random.Random(5)
    text = distinct_body(rng)
    records = [record(f"R-{i}", text if i < 3 else distinct_body(rng)) for i in range(10)]

    groups = similarity_groups(records).groups

    assert ("R-0", "R-1", "R-2") in [tuple(records[i].reference for i in g) for g in groups]
    assert find_campaigns(records)[0].references == ("R-0", "R-1", "R-2")
    assert find_campaigns(records, min_submitters=4) == []
    digest = synthesise(records, SynthesisRequest())
    assert digest.overview.comments == 10
    assert digest.overview.distinct_positions == 8


_WATERMARK = (
    "watermarking of generated images",
    "content provenance metadata",
    "C2PA provenance credentials",
    "invisible watermarks on synthetic media",
    "provenance signals for audio and video",
    "detectable watermarks that survive compression",
)
_INCIDENTS = (
    "incident reporting deadlines",
    "a 72 hour deadline for serious incident reports",
    "reporting incidents to national authorities",
    "incident notification timelines",
    "serious incidents reported within days",
    "a single incident reporting portal",
)


def _topic_body(rng, phrases, filler):
    parts = rng.sample(phrases, 3)
    return (
        f"We {rng.choice(filler)} {parts[0]}. The draft should address {parts[1]} "
        f"and {parts[2]}, {rng.choice(filler)} by {rng.choice(['2027', 'next year', 'soon'])}."
    )


def test_two_topics_come_out_as_two_themes_with_the_right_members():
    rng = random.Random(11)
    filler = ["support", "welcome", "question", "endorse", "want clarity on", "ask about"]
    records = [record(f"W-{i:02d}", _topic_body(rng, _WATERMARK, filler)) for i in range(40)]
    records += [record(f"I-{i:02d}", _topic_body(rng, _INCIDENTS, filler)) for i in range(40)]
    groups = similarity_groups(records).groups
    positions = positions_from_groups(records, groups)

    themes = themes_per_section(positions)

    assert len(themes) == 2
    memberships = sorted({t.references[0][0]: t for t in themes}.items(), key=lambda item: item[0])
    for prefix, theme in memberships:
        assert all(ref.startswith(prefix) for ref in theme.references)
        assert theme.comments == 40
        assert 2 <= len(theme.quotes) <= 3
    terms = {prefix: " ".join(t.top_terms) for prefix, t in memberships}
    assert "incident" in terms["I"]
    assert "provenance" in terms["W"] or "watermark" in terms["W"]


def test_excerpts_are_verbatim_and_at_most_300_characters():
    rng = random.Random(3)
    long_body = " ".join(f"word{i}" for i in range(200)) + ". Short closing sentence."
    for body in (long_body, distinct_body(rng), "One line without a full stop"):
        quote = excerpt(record("Q-1", body), ["closing", "word150"])
        assert quote.text and quote.text in body
        assert len(quote.text) <= 300


def test_quote_check_rejects_a_paraphrase_and_accepts_an_exact_excerpt():
    rng = random.Random(4)
    records = [record(f"R-{i:02d}", distinct_body(rng)) for i in range(30)]
    digest = synthesise(records, SynthesisRequest(audience="working_group"))
    quoted = [q for t in digest.themes for q in t.quotes]
    assert quoted
    check_excerpts(digest, records)

    theme = digest.themes[0]
    original = theme.quotes[0]
    exact = original.__class__(**{**_fields(original), "text": original.text[5:40]})
    paraphrase = original.__class__(
        **{**_fields(original), "text": original.text.replace(" ", "  ", 1) + " indeed"}
    )
    with_exact = _replace_quote(digest, exact)
    check_excerpts(with_exact, records)
    with pytest.raises(ExcerptMismatch) as failure:
        check_excerpts(_replace_quote(digest, paraphrase), records)
    assert failure.value.reference == original.reference
    assert original.reference in str(failure.value)


def _fields(quote):
    return {name: getattr(quote, name) for name in quote.__slots__}


def _replace_quote(digest, quote):
    import dataclasses

    theme = dataclasses.replace(digest.themes[0], quotes=(quote,))
    return dataclasses.replace(digest, themes=(theme, *digest.themes[1:]))


SECRET = "Our confidential assessment: the incident deadline conflicts with Article 33 filings."


def _with_confidential():
    rng = random.Random(8)
    records = [
        record(f"P-{i:02d}", _topic_body(rng, _INCIDENTS, ["support", "question"]))
        for i in range(30)
    ]
    secret = record(
        "S-01",
        SECRET,
        confidential=True,
        organisation="Zyxwv Secret Holdings",
        proposed_text="Replace the deadline with a secret alternative wording.",
        stance="oppose",
    )
    copies = [
        record(f"K-{i}", CAMPAIGN_LETTER, confidential=True, organisation=f"Hidden Signer {i}")
        for i in range(5)
    ]
    return [*records, secret, *copies], secret


def test_public_digest_counts_but_never_shows_confidential_comments():
    records, _secret = _with_confidential()

    digest = synthesise(records, SynthesisRequest(audience="public"))
    text = json.dumps(digest.to_dict())

    assert SECRET not in text
    assert "Article 33" not in text
    assert "Zyxwv" not in text and "Hidden Signer" not in text
    assert "secret alternative" not in text
    assert "mandatory red-teaming clause" not in text
    assert digest.overview.comments == 36
    assert digest.overview.confidential == 6
    # Counted in the totals and nothing else: the campaign of confidential copies is not
    # there (only public comments that repeat one another), no breakdown counts them, no
    # reference names them.
    assert all(ref.startswith("P-") for c in digest.campaigns for ref in c.references)
    assert not any(c.includes_confidential for c in digest.campaigns)
    assert sum(c.count for c in digest.overview.by_stakeholder_type) == 30
    assert sum(c.count for c in digest.overview.by_section) == 30
    assert not any(r.confidential and r.reference in text for r in records)
    assert all(not p.confidential for g in digest.changes for p in g.proposals)


def test_working_group_digest_includes_confidential_comments_marked():
    records, _secret = _with_confidential()

    digest = synthesise(records, SynthesisRequest(audience="working_group"))

    campaign = digest.campaigns[0]
    assert campaign.includes_confidential
    assert campaign.representative is not None and campaign.representative.confidential
    assert "Hidden Signer 0" in campaign.organisations
    proposals = [p for g in digest.changes for p in g.proposals]
    assert [p.confidential for p in proposals if "S-01" in p.references] == [True]
    assert "Zyxwv Secret Holdings" in json.dumps(digest.to_dict())


def test_digest_is_identical_when_built_twice():
    records, _ = _planted_corpus()
    request = SynthesisRequest(audience="public", seed=3)
    first = synthesise(records, request, {"C-0001": "accepted"})
    second = synthesise(list(reversed(records)), request, {"C-0001": "accepted"})
    assert first == second
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())


def test_request_filters_sections_and_cutoff():
    records = [
        record("A", "First comment text.", section="action-1"),
        record("B", "Second comment text.", section="action-2"),
        record("C", "Late comment text.", section="action-1", created_at=START + timedelta(1)),
    ]
    digest = synthesise(records, SynthesisRequest(sections=("action-1",), cutoff=START))
    assert digest.overview.comments == 1
    assert digest.sections == ("action-1",)


def test_agreement_by_stakeholder_group():
    records = [
        record("1", "a b c", stance="support", stakeholder_type="industry"),
        record("2", "d e f", stance="support", stakeholder_type="industry"),
        record("3", "g h i", stance="oppose", stakeholder_type="industry"),
        record("4", "j k l", stance="", stakeholder_type="industry"),
        record("5", "m n o", stance="amend", stakeholder_type="academia"),
        record("6", "p q r", stance="oppose", section="action-2", stakeholder_type="academia"),
    ]

    result = {a.section_key: a for a in agreement(records)}

    one = result["action-1"]
    assert (one.overall.support, one.overall.oppose, one.overall.amend) == (2, 1, 1)
    assert one.overall.no_stance == 1 and one.overall.total == 5
    industry = {g.group: g for g in one.by_stakeholder_type}["industry"]
    assert (industry.support_share, industry.oppose_share, industry.amend_share) == (
        0.6667,
        0.3333,
        0.0,
    )
    assert result["action-2"].overall.oppose_share == 1.0


def test_proposed_changes_group_overlapping_ranges():
    records = [
        record("1", "x", line_start=3, line_end=5, proposed_text="Replace with A."),
        record("2", "y", line_start=5, line_end=6, proposed_text="Replace with B."),
        record("3", "z", line_start=6, line_end=6, proposed_text="replace with b"),
        record("4", "w", line_start=9, line_end=9, proposed_text="Replace with C."),
        record("5", "v", line_start=1, line_end=2, proposed_text=""),
        record("6", "u", line_start=6, line_end=6, proposed_text="Replace with b!"),
    ]

    groups = proposed_changes(records)

    assert [(g.line_start, g.line_end, g.comments) for g in groups] == [(3, 6, 4), (9, 9, 1)]
    folded = [(p.line_start, p.line_end, p.references) for p in groups[0].proposals]
    assert folded == [(3, 5, ("1",)), (5, 6, ("2",)), (6, 6, ("3", "6"))]


def test_disposition_summary_counts_open_ones():
    records = [record(str(i), f"body {i}") for i in range(5)]
    summary = disposition_summary(records, {"0": "accepted", "1": "accepted", "2": "rejected"})
    assert {c.key: c.count for c in summary.counts} == {
        "accepted": 2,
        "partially_accepted": 0,
        "rejected": 1,
        "noted": 0,
        "open": 2,
    }
    with pytest.raises(ValueError, match="maybe"):
        disposition_summary(records, {"0": "maybe"})
