"""MinHash signatures: the same values datasketch computes, whatever the block size."""

import numpy as np
from datasketch import MinHash
from hypothesis import given
from hypothesis import strategies as st

from comments.anchoring import normalise
from comments.digests.synthesis import minhash, minhash_signatures
from comments.digests.synthesis.minhash import NUM_PERM, shingle_hashes

BODIES = [
    "Providers must publish red-team results before release.",
    "Short one",
    "",
    "Providers must publish red-team results before any release, and say who ran them.",
    "Providers must publish red-team results before release!",
]


def test_signatures_are_datasketch_minhashes_of_the_word_shingles():
    hashes, offsets = shingle_hashes(BODIES)
    computed = minhash_signatures(BODIES, seed=1)
    assert computed.shape == (len(BODIES), NUM_PERM)
    for index in range(len(BODIES)):
        expected = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)
        expected.update_batch(hashes[offsets[index] : offsets[index + 1]].tolist())
        assert np.array_equal(computed[index], expected.hashvalues.astype(np.uint32)), index
    # Normalised copies have the same signature; other seeds give other values.
    assert np.array_equal(computed[0], computed[4])
    assert not np.array_equal(minhash_signatures(BODIES, seed=2), computed)


def test_signatures_do_not_depend_on_how_the_bodies_are_split_into_blocks(monkeypatch):
    whole = minhash_signatures(BODIES * 3)
    monkeypatch.setattr(minhash, "_BODIES_PER_BLOCK", 2)
    assert np.array_equal(minhash_signatures(BODIES * 3), whole)
    assert minhash_signatures([]).shape == (0, NUM_PERM)


@given(st.text(max_size=300))
def test_words_are_the_normalised_words(text):
    """Shingles read the words as the content hash normalises them, whatever the script."""
    assert minhash.words(text) == normalise(text).split()
