"""Theme quotes: never the same words twice in one theme, never a stub, always verbatim."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from comments.anchoring import normalise
from comments.digests.synthesis import SynthesisRequest, synthesise
from comments.digests.synthesis.stubs import is_stub
from tests.digests.corpora import STUBS, personal_paragraph
from tests.digests.synthesis.corpus import distinct_body, record

OPENING = "Watermarking of generated images must be mandatory for every provider."


def _assert_quotes_distinct_and_verbatim(digest, records):
    bodies = {r.reference: r.body for r in records}
    for theme in digest.themes:
        texts = [normalise(q.text) for q in theme.quotes]
        assert len(texts) == len(set(texts)), theme.quotes
        for quote in theme.quotes:
            assert quote.text in bodies[quote.reference] and not is_stub(quote.text)


def test_comments_opening_alike_are_quoted_once_per_theme():
    rng = random.Random(4)
    records = [
        record(f"W-{i:02d}", f"{OPENING} {personal_paragraph(rng)}", organisation=f"Org {i}")
        for i in range(24)
    ]
    digest = synthesise(records, SynthesisRequest(audience="working_group"))
    assert digest.themes
    assert sum(OPENING in q.text for t in digest.themes for q in t.quotes) <= len(digest.themes)
    _assert_quotes_distinct_and_verbatim(digest, records)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shared=st.integers(0, 12), stubs=st.integers(0, 9))
def test_quotes_are_distinct_and_verbatim_on_any_corpus(seed, shared, stubs):
    rng = random.Random(seed)
    common = distinct_body(rng)
    records = [record(f"D-{i:02d}", distinct_body(rng)) for i in range(30)]
    records += [record(f"S-{i:02d}", f"{common} {distinct_body(rng)}") for i in range(shared)]
    records += [record(f"X-{i:02d}", STUBS[i % len(STUBS)]) for i in range(stubs)]
    digest = synthesise(records, SynthesisRequest(audience="working_group"))
    _assert_quotes_distinct_and_verbatim(digest, records)
