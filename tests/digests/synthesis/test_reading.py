"""Readings: what the synthesis reads of a comment, worked out once. A synthesis is the same
whether each comment's reading was stored, stale, or missing; a reading is stale as soon as
the text it was read from changes."""

import dataclasses
import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.digests.synthesis import SynthesisRequest, synthesise
from comments.digests.synthesis import reading as reading_module
from comments.digests.synthesis.languages import detect, words
from comments.digests.synthesis.minhash import shingle_hashes
from comments.digests.synthesis.reading import (
    is_current,
    read,
    reading_key,
    reading_text,
    shingles_from_bytes,
    shingles_to_bytes,
    with_readings,
)
from comments.digests.synthesis.stubs import is_stub
from tests.digests.corpora import mass_letters, mixed_corpus, records_of

_CORPUS = records_of(mixed_corpus(seed=4)) + records_of(mass_letters(300, templates=3, seed=5))
_PLAIN = {
    "public": synthesise(_CORPUS, SynthesisRequest(audience="public")).to_dict(),
    "working_group": synthesise(_CORPUS, SynthesisRequest(audience="working_group")).to_dict(),
}


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    stored=st.sets(st.integers(0, len(_CORPUS) - 1), max_size=len(_CORPUS)),
    stale=st.sets(st.integers(0, len(_CORPUS) - 1), max_size=60),
    audience=st.sampled_from(["public", "working_group"]),
)
def test_the_synthesis_is_the_same_whether_readings_were_stored_stale_or_missing(
    stored, stale, audience
):
    records = list(_CORPUS)
    readings = read([records[i] for i in sorted(stored)])
    for i, found in zip(sorted(stored), readings, strict=True):
        records[i] = dataclasses.replace(records[i], reading=found)
    rng = random.Random(len(stale))
    for i in stale:  # a reading of another comment's text: what an edit leaves behind
        other = records[rng.randrange(len(records))]
        records[i] = dataclasses.replace(records[i], reading=read([other])[0])

    built = synthesise(records, SynthesisRequest(audience=audience)).to_dict()

    assert built == _PLAIN[audience]


def test_a_reading_holds_what_each_step_would_work_out():
    records = _CORPUS[:80]
    for record, found in zip(records, read(records), strict=True):
        text = reading_text(record)
        hashes, _offsets = shingle_hashes([record.body])
        assert found.key == reading_key(record)
        assert found.language == detect(text)
        assert found.stub == is_stub(record.body)
        assert found.word_list() == words(text, found.language)
        assert shingles_from_bytes(found.shingles).tolist() == sorted(set(hashes.tolist()))


@given(body=st.text(max_size=200), papers=st.text(max_size=50), other=st.text(max_size=200))
def test_a_reading_is_current_only_for_the_text_it_was_read_from(body, papers, other):
    record = dataclasses.replace(_CORPUS[0], body=body, papers=papers)
    read_now = dataclasses.replace(record, reading=read([record])[0])
    assert is_current(read_now)
    changed = dataclasses.replace(read_now, body=other)
    assert is_current(changed) == (other == body)
    with_paper = dataclasses.replace(read_now, papers=papers + " and an annex")
    assert not is_current(with_paper)


def test_a_new_way_of_reading_makes_every_stored_reading_stale(monkeypatch):
    record = _CORPUS[0]
    stored = dataclasses.replace(record, reading=read([record])[0])
    assert with_readings([stored])[1] == []
    monkeypatch.setattr(reading_module, "READING_VERSION", reading_module.READING_VERSION + 1)
    assert not is_current(stored)
    assert with_readings([stored])[1] == [0]


@given(st.lists(st.integers(0, 2**32 - 1), unique=True))
def test_shingles_keep_their_values_through_storage(values):
    shingles = shingles_from_bytes(shingles_to_bytes(np.array(sorted(values), np.uint32)))
    assert shingles.tolist() == sorted(values)
