"""Claims and the briefing on a consultation in six languages (tests/digests/briefing_corpus.py):
labels and quotes verbatim and substantive, quotes never repeated and from different
submitters, themes split by direction, key messages, each group's wants, contested lines,
respondent counts, and no themes for a section of a few comments."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comments.anchoring import normalise
from comments.digests.synthesis import SynthesisRequest, synthesise
from comments.digests.synthesis.stubs import is_stub
from comments.digests.synthesis.themes import MIN_POSITIONS_FOR_THEMES
from tests.digests.briefing_corpus import GREETINGS, POINTERS, STUBS, briefing_corpus
from tests.digests.corpora import mixed_corpus, records_of


@pytest.fixture(scope="module")
def corpus():
    records, claim_of = briefing_corpus()
    return records, claim_of, synthesise(records, SynthesisRequest(audience="public"))


def _check_claims(records, synthesis):
    body = {r.reference: r.body for r in records}
    stance = {r.reference: r.stance for r in records}
    submitter = {r.reference: r.submitter_key for r in records}
    boilerplate = {normalise(t) for t in (*STUBS, *GREETINGS, *POINTERS)}
    for theme in synthesis.themes:
        assert theme.label_reference in theme.references
        assert theme.label in body[theme.label_reference]  # a verbatim sentence
        assert not is_stub(theme.label) and normalise(theme.label) not in boilerplate
        said = [normalise(q.text) for q in theme.quotes]
        assert len(said) == len(set(said)) and normalise(theme.label) not in said
        assert len({submitter[q.reference] for q in theme.quotes}) == len(theme.quotes)
        for quote in theme.quotes:
            assert quote.text in body[quote.reference]
            assert not is_stub(quote.text) and normalise(quote.text) not in boilerplate
        # The label speaks for the theme's direction: its comment takes the main stance.
        main = theme.stance_mix[0].key
        assert (stance[theme.label_reference] or "none") == main
    for message in synthesis.briefing.key_messages:
        assert message.label in body[message.reference]


def test_labels_and_quotes_are_verbatim_substantive_and_never_repeated(corpus):
    records, _claim_of, synthesis = corpus
    assert synthesis.themes
    _check_claims(records, synthesis)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(1, 10_000), audience=st.sampled_from(["public", "working_group"]))
def test_claim_rules_hold_on_any_corpus_of_these_shapes(seed, audience):
    for records in (briefing_corpus(seed)[0], records_of(mixed_corpus(seed % 7 + 1))):
        _check_claims(records, synthesise(records, SynthesisRequest(audience=audience)))


def test_a_claim_and_its_opposite_are_different_themes(corpus):
    _records, claim_of, synthesis = corpus
    by_label = {t.label_reference: t for t in synthesis.themes}
    cost = [t for ref, t in by_label.items() if claim_of[ref] == "red-teaming-cost"]
    auditors = [t for ref, t in by_label.items() if claim_of[ref] == "red-teaming-auditors"]
    assert cost and auditors
    for theme in cost:
        assert {c.key for c in theme.stance_mix} == {"oppose"}
    for theme in auditors:
        assert "oppose" not in {c.key for c in theme.stance_mix}


def test_themes_say_which_languages_they_hold(corpus):
    _records, _claim_of, synthesis = corpus
    spoken = Counter(c.key for t in synthesis.themes for c in t.languages)
    assert {"en", "fr", "de", "ja"} <= set(spoken)
    assert any(len(t.languages) >= 2 for t in synthesis.themes)


def test_key_messages_are_the_most_held_claims_across_groups(corpus):
    _records, claim_of, synthesis = corpus
    messages = synthesis.briefing.key_messages
    assert 3 <= len(messages) <= 5
    held = [m.respondents for m in messages]
    assert held == sorted(held, reverse=True)
    # The forty signatories of the letter and the organisations that hold the same claim.
    assert claim_of[messages[0].reference] in ("campaign", "red-teaming-auditors")
    assert messages[0].respondents >= 40
    assert len({normalise(m.label) for m in messages}) == len(messages)
    assert all(m.groups and m.organisation_count <= m.respondents for m in messages)


def test_each_group_wants_its_own_claims(corpus):
    _records, claim_of, synthesis = corpus
    wants = {w.group: w for w in synthesis.briefing.group_wants}
    company = wants["company"]
    assert company.stances[0].key == "oppose"
    assert claim_of[company.claims[0].reference] in ("red-teaming-cost", "watermark-removable")
    civil = wants["civil_society"]
    assert {c.key for c in civil.stances} == {"support"}
    assert all(claim_of[c.reference] != "red-teaming-cost" for c in civil.claims)
    assert wants["individual"].respondents == 40


def test_the_most_contested_line_is_the_one_fought_over(corpus):
    _records, _claim_of, synthesis = corpus
    first = synthesis.briefing.contested_lines[0]
    assert (first.section_key, first.line_start, first.line_end) == ("action-1", 10, 12)
    by_group = {g.group: g.stance for g in first.groups}
    assert by_group["company"] == "oppose" and by_group["civil_society"] == "support"
    assert 0.2 <= first.disagreement < 0.5
    # A line every comment agrees on is never contested.
    assert all(c.section_key != "action-9" for c in synthesis.briefing.contested_lines)


def test_respondents_are_counted_beside_comments(corpus):
    records, _claim_of, synthesis = corpus
    overview = synthesis.overview
    assert overview.comments == len(records)
    assert overview.respondents == len({r.submitter_key for r in records})
    assert overview.individuals == 40
    assert overview.organisations == len({r.organisation for r in records if r.organisation})


def test_a_section_of_a_few_comments_gets_no_themes(corpus):
    records, _claim_of, synthesis = corpus
    small = [r for r in records if r.section_key == "action-9"]
    assert 0 < len(small) < MIN_POSITIONS_FOR_THEMES
    assert not [t for t in synthesis.themes if t.section_key == "action-9"]
