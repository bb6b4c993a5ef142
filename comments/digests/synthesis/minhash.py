"""MinHash signatures of word 3-shingles and the banded LSH that pairs similar ones.

Near copies are found with MinHash signatures of the normalised body's word 3-shingles and a
banded LSH index (datasketch's ``MinHashLSH``), whose candidate pairs are confirmed by their
estimated Jaccard similarity. No step compares all pairs: the cost grows with the number of
comments and the size of the groups found.

Signatures follow datasketch's ``affine32`` scheme (the shingle's 32-bit hash, MurmurHash3
finaliser, ``a·h + b`` in 32-bit arithmetic with the permutations of ``MinHash(seed=seed)``),
computed with numpy a block of comments at a time; callers may pass signatures they stored
earlier.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE_SIZE = 3
LSH_THRESHOLD = 0.7
LEADER_ROUNDS = 6

_U32 = np.uint32
_FMIX = (_U32(16), _U32(0x85EBCA6B), _U32(13), _U32(0xC2B2AE35), _U32(16))
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_CHUNK = 8_192
_BODIES_PER_BLOCK = 5_000


def _fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest(), "little")


_WORD = re.compile(r"\w+")


def words(body: str) -> list[str]:
    """The words of ``body`` as :func:`comments.anchoring.normalise` leaves them (Unicode
    variants and case folded, split at everything that is not a letter, digit or ``_``):
    ``normalise(body).split()``, in one pass."""
    return _WORD.findall(unicodedata.normalize("NFKC", body).casefold())


def shingle_hashes(bodies: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The 32-bit hashes of every body's word 3-shingles, concatenated, and each body's offset.

    A body shorter than three words is one shingle of its words. A shingle's hash depends only
    on its words, so signatures are stable across runs and corpora.
    """
    token_lists = [words(body) or [""] for body in bodies]
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(bodies))
    tokens = list(itertools.chain.from_iterable(token_lists))
    vocabulary = {token: index for index, token in enumerate(dict.fromkeys(tokens))}
    table = np.fromiter(map(_token_hash, vocabulary), dtype=np.uint64, count=len(vocabulary))
    hashed = table[np.fromiter(map(vocabulary.__getitem__, tokens), np.int64, len(tokens))]
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    # Shingles start at every token but the last two of each body (at least one per body).
    shingle_counts = np.maximum(lengths - (SHINGLE_SIZE - 1), 1)
    offsets = np.concatenate(([0], np.cumsum(shingle_counts)))
    body_of = np.repeat(np.arange(len(bodies)), shingle_counts)
    first = np.arange(offsets[-1]) - offsets[:-1][body_of] + starts[body_of]
    last_token = (starts + lengths - 1)[body_of]
    combined = np.zeros(offsets[-1], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for step, multiplier in enumerate(_MIX):
            index = np.minimum(first + step, last_token)
            present = (first + step) <= last_token
            combined = combined * multiplier + np.where(present, hashed[index] + 1, 0)
    folded = ((combined >> np.uint64(32)) ^ (combined & np.uint64(0xFFFFFFFF))).astype(_U32)
    return folded, offsets


@functools.cache
def _permutations(seed: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = (np.asarray(p, dtype=_U32) for p in MinHash(num_perm=NUM_PERM, seed=seed).permutations)
    a.flags.writeable = b.flags.writeable = False
    return a, b


def minhash_signatures(bodies: Sequence[str], *, seed: int = 1) -> np.ndarray:
    """One ``NUM_PERM``-wide MinHash signature (uint32) per body, as datasketch would compute
    with the shingle hashes of :func:`shingle_hashes` and ``MinHash(seed=seed)``.

    Bodies are split into words ``_BODIES_PER_BLOCK`` at a time, so the words of 100,000
    comments are never all in memory at once.
    """
    signatures = np.empty((len(bodies), NUM_PERM), dtype=_U32)
    buffer = np.empty((_CHUNK, NUM_PERM), dtype=_U32)
    for first in range(0, len(bodies), _BODIES_PER_BLOCK):
        block = bodies[first : first + _BODIES_PER_BLOCK]
        _sign_block(block, seed, buffer, out=signatures[first : first + len(block)])
    return signatures


def _sign_block(bodies: Sequence[str], seed: int, buffer: np.ndarray, *, out: np.ndarray) -> None:
    hashes, offsets = shingle_hashes(bodies)
    _sign_shingles(hashes, offsets, seed, buffer, out=out)


def shingle_signatures(hashes: np.ndarray, offsets: np.ndarray, *, seed: int = 1) -> np.ndarray:
    """One MinHash signature per set of shingle hashes: set ``i`` is
    ``hashes[offsets[i]:offsets[i + 1]]`` and must not be empty."""
    rows = len(offsets) - 1
    signatures = np.empty((rows, NUM_PERM), dtype=_U32)
    if rows:
        _sign_shingles(hashes, offsets, seed, np.empty((_CHUNK, NUM_PERM), _U32), out=signatures)
    return signatures


def _sign_shingles(
    hashes: np.ndarray, offsets: np.ndarray, seed: int, buffer: np.ndarray, *, out: np.ndarray
) -> None:
    a, b = _permutations(seed)
    mixed = _fmix32(hashes)
    body = 0
    count = len(offsets) - 1
    while body < count:
        end = int(np.searchsorted(offsets, offsets[body] + _CHUNK, side="right")) - 1
        if end <= body:  # one body longer than a chunk: give it its own buffer
            end = body + 1
        lo, hi = offsets[body], offsets[end]
        permuted = buffer[: hi - lo] if hi - lo <= _CHUNK else np.empty((hi - lo, NUM_PERM), _U32)
        np.multiply(mixed[lo:hi, None], a[None, :], out=permuted)
        np.add(permuted, b[None, :], out=permuted)
        out[body:end] = np.minimum.reduceat(permuted, offsets[body:end] - lo, axis=0)
        body = end


def band_pairs(signatures: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows whose signatures agree on a whole LSH band and whose estimated Jaccard
    similarity reaches ``threshold``.

    Banding is datasketch's ``MinHashLSH(threshold, NUM_PERM)`` (its ``b`` bands of ``r`` rows),
    applied to all rows at once. Within a bucket every member is checked against the bucket's
    leader (a member drawn at random, fixed seed); those that fail are checked against a new
    leader, drawn alternately from all members and from those still unmatched, for up to
    ``LEADER_ROUNDS`` rounds. Linear in the bucket size for a campaign, where
    a full pairwise check would be quadratic; the union-find joins what the leaders link.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    rows = signatures.shape[0]
    rng = np.random.default_rng(0)
    sources: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    for band in range(lsh.b):
        block = np.ascontiguousarray(signatures[:, band * lsh.r : (band + 1) * lsh.r])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * lsh.r))).ravel()
        _, bucket, sizes = np.unique(keys, return_inverse=True, return_counts=True)
        bucket = bucket.reshape(-1)
        shared = np.flatnonzero(sizes[bucket] > 1)
        pending = shared
        for round_ in range(LEADER_ROUNDS):
            if len(pending) == 0:
                break
            # This round's leader of each bucket: its member of lowest random rank, drawn from
            # all members (even rounds) or from those still unmatched (odd rounds).
            pool = shared if round_ % 2 == 0 else pending
            rank = rng.permutation(rows)[pool]
            ordered = pool[np.lexsort((rank, bucket[pool]))]
            is_first = np.r_[True, bucket[ordered][1:] != bucket[ordered][:-1]]
            leader_of = np.full(len(sizes), -1, dtype=np.int64)
            leader_of[bucket[ordered[is_first]]] = ordered[is_first]
            leader = leader_of[bucket[pending]]
            checked = pending != leader
            members, leader = pending[checked], leader[checked]
            similar = (signatures[members] == signatures[leader]).mean(axis=1) >= threshold
            sources.append(members[similar])
            targets.append(leader[similar])
            # A leader drawn from all members is settled; one drawn from the unmatched is not.
            leaders = pending[~checked] if round_ % 2 else pending[:0]
            pending = np.sort(np.r_[members[~similar], leaders])
    if not sources:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(sources), np.concatenate(targets)


def mean_similarity(signatures: np.ndarray) -> np.ndarray:
    """Each row's mean estimated Jaccard similarity to the other rows, in O(rows × perms)."""
    rows = signatures.shape[0]
    if rows < 2:
        return np.ones(rows)
    shared = np.zeros(rows)
    for column in signatures.T:
        _, inverse, column_counts = np.unique(column, return_inverse=True, return_counts=True)
        shared += column_counts[inverse] - 1
    return shared / ((rows - 1) * signatures.shape[1])
