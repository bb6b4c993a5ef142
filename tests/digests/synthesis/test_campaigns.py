"""Campaigns on the shapes real consultations take (labelled corpora in tests/digests/corpora.py):
personalised form letters, competing amendments, stubs, several languages, one submitter
repeating itself; membership pinned as pairwise precision and recall."""

import json
import random
from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.anchoring import normalise
from comments.digests.synthesis import (
    MIN_SUBMITTERS,
    SynthesisRequest,
    check_excerpts,
    find_campaigns,
    fold,
    similarity_groups,
    synthesise,
)
from comments.digests.synthesis.campaigns import sorted_unique
from comments.digests.synthesis.excerpts import synthesis_excerpts
from comments.digests.synthesis.stubs import is_stub
from tests.digests.corpora import (
    AMENDMENT_BODY,
    AMENDMENTS,
    FRENCH_TEMPLATE,
    STUBS,
    mass_letters,
    mixed_corpus,
    pairwise_scores,
    personal_paragraph,
    records_of,
    template_letter,
)
from tests.digests.synthesis.corpus import distinct_body, record


def _folded(items):
    records = records_of(items)
    return fold(records, similarity_groups(records))


def test_campaign_membership_is_precise_and_complete_on_every_shape():
    for seed in (1, 2, 3):
        items = mixed_corpus(seed)
        precision, recall = pairwise_scores(items, _folded(items).campaigns)
        assert precision >= 0.95 and recall >= 0.90, (seed, precision, recall)


def test_mass_form_letters_with_personal_paragraphs_are_found_whole():
    items = mass_letters(3_000)
    found = _folded(items).campaigns
    precision, recall = pairwise_scores(items, found)
    assert precision >= 0.95 and recall >= 0.90, (precision, recall)
    assert len(found) == 27


def test_a_personalised_letter_is_shown_once_with_its_copies_and_additions():
    items = mixed_corpus(1)
    by_reference = {item.record.reference: item for item in items}
    for campaign in _folded(items).campaigns:
        members = [by_reference[r] for r in campaign.references]
        label = Counter(m.campaign for m in members).most_common(1)[0][0]
        if not str(label).startswith("letter-"):
            continue
        assert campaign.copies == len(members) == 40
        assert campaign.with_own_text == sum(m.own_text for m in members)
        assert campaign.signatories == campaign.organisation_count == 40
        # The template, not a signer's own paragraph or greeting, stands for the campaign.
        quote = campaign.representative.text
        assert not is_stub(quote) and "Dear Secretary" not in quote
        owner = by_reference[campaign.representative.reference].record.body
        assert quote in owner
        held = sum(normalise(quote) in normalise(m.record.body) for m in members)
        assert held >= 0.6 * len(members)  # a third carry a light edit


def test_competing_amendments_to_one_line_are_different_positions():
    found = _folded(mixed_corpus(2)).campaigns
    amendments = [c for c in found if c.representative.text.startswith(AMENDMENT_BODY[:30])]
    assert len(amendments) == len(AMENDMENTS) == 2
    assert all(c.copies == 5 for c in amendments)
    assert not set(amendments[0].references) & set(amendments[1].references)


def test_identical_short_texts_are_a_campaign_only_on_the_same_lines():
    text = "We fully agree with the wording of this line."
    apart = [record(f"A-{i}", text, line_start=10 + i) for i in range(6)]
    together = [record(f"T-{i}", text, line_start=40) for i in range(6)]
    assert find_campaigns(apart) == []
    assert [c.references for c in find_campaigns(together)] == [tuple(f"T-{i}" for i in range(6))]


def test_stubs_are_never_a_campaign_and_never_quoted():
    items = mixed_corpus(3)
    records = records_of(items)
    digest = synthesise(records, SynthesisRequest(audience="working_group"))
    stub_references = {r.reference for r in records if r.body in STUBS}
    assert len(stub_references) == 60
    for campaign in digest.campaigns:
        assert not set(campaign.references) & stub_references
    quotes = list(synthesis_excerpts(digest))
    assert quotes and not any(is_stub(q.text) for q in quotes)
    assert not any(q.reference in stub_references for q in quotes)
    text = json.dumps(digest.to_dict())
    for stub in ("Please find our feedback attached", "#NAME?", "Dear Secretary", "REDACTED"):
        assert stub not in text
    check_excerpts(digest, records)


def test_one_organisation_repeating_itself_is_a_repeat_not_a_campaign():
    folded = _folded(mixed_corpus(1))
    assert not any("Repeater" in c.organisations for c in folded.campaigns)
    (repeat,) = [r for r in folded.repeats if r.organisations == ("Repeater",)]
    assert len(repeat.references) == 8 and repeat.submitters == 1


def test_answers_in_other_languages_form_their_own_campaign_and_stay_apart():
    found = _folded(mixed_corpus(1)).campaigns
    french = [c for c in found if c.representative.text.startswith(FRENCH_TEMPLATE[:40])]
    assert len(french) == 1 and french[0].copies == 6
    assert is_stub("レッド") and not is_stub(
        "レッドチーム試験の結果は、公開前に認定監査人と共有されるべきです。"
    )


# Whether each signer adds a paragraph of their own, and the seed of that paragraph (one per
# signer: a paragraph every signer shares is part of the letter).
SIGNERS = st.lists(
    st.tuples(st.booleans(), st.integers(0, 2**32 - 1)),
    min_size=MIN_SUBMITTERS,
    max_size=12,
    unique_by=lambda signer: signer[1],
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letter_seed=st.integers(0, 2**32 - 1), signers=SIGNERS)
def test_a_letter_signed_by_enough_organisations_forms_exactly_one_campaign(letter_seed, signers):
    rng = random.Random(letter_seed)
    letter = template_letter(rng)
    records = [record(f"B-{i:02d}", distinct_body(rng)) for i in range(30)]
    signed = []
    for index, (adds, seed) in enumerate(signers):
        body = letter
        if adds:
            body += "\n\n" + personal_paragraph(random.Random(seed))
        signed.append(record(f"S-{index:02d}", body, organisation=f"Signer {index}"))

    found = find_campaigns(records + signed)

    mine = [c for c in found if c.references[0].startswith("S-")]
    assert len(mine) == 1
    assert mine[0].references == tuple(r.reference for r in signed)
    assert mine[0].with_own_text == sum(adds for adds, _seed in signers)


@settings(max_examples=25, deadline=None)
@given(
    proposals=st.lists(
        st.text(st.sampled_from("abcdefghij "), min_size=3, max_size=40).filter(str.strip),
        min_size=2,
        max_size=8,
    ),
    copies=st.integers(1, 4),
)
def test_distinct_proposed_texts_on_one_line_never_fold_together(proposals, copies):
    records = [
        record(
            f"P-{index:02d}-{copy}",
            AMENDMENT_BODY,
            line_start=7,
            proposed_text=proposal,
            organisation=f"Amender {index}-{copy}",
        )
        for index, proposal in enumerate(proposals)
        for copy in range(copies)
    ]
    proposed = {r.reference: r.content_hash for r in records}
    groups = similarity_groups(records).groups
    for group in groups:
        assert len({proposed[records[i].reference] for i in group}) == 1


@given(st.lists(st.integers(0, 2**64 - 1), max_size=200))
def test_sorted_unique_is_numpys_unique(values):
    array = np.asarray(values, dtype=np.uint64)
    assert np.array_equal(sorted_unique(array), np.unique(array))
