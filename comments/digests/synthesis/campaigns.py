"""Finding campaigns: one text filed by several distinct submitters, copied exactly, lightly
edited, or personalised with a paragraph of their own.

How records are grouped (every record ends in exactly one group, a position):

- **Stubs** (:mod:`.stubs`: "see attached", "N/A", "deleted", "Dear Secretary,") join nothing
  but their exact copies on the same lines; they are never a campaign, never quoted.
- **Exact copies** share a ``content_hash`` (body and proposed text); a short text (fewer than
  ``MIN_TEMPLATE_SHINGLES`` shingles) is a copy only on the same lines, so "We agree." filed
  on ten different lines is ten positions.
- **Near copies and personalised copies**: each body's word 3-shingles are hashed; those that
  occur in only one body (a personal paragraph, a changed word) are set aside, and what is
  left, the body's *shared core*, is compared by MinHash and banded LSH (:mod:`.minhash`).
  Two bodies whose cores agree at ``CORE_THRESHOLD`` are joined: a copy with a paragraph of
  its own has the template as its core, so containment counts, not overall similarity.
- **Same words are not the same position**: records are joined only if their normalised
  proposed texts are equal, so competing amendments to one line stay apart.
- Every joined group gets a *template* (the shingles held by at least half its members);
  a member holding less than ``CONTAINMENT`` of it leaves the group (chaining guard).

A group is a **campaign** when at least ``MIN_SUBMITTERS`` (3) distinct submitters filed it
(an organisation counts once, an individual counts as one); a smaller group of copies is a
**repeat** (one organisation repeating itself). Three submitters is the smallest number that
is more than a pair of allies or one body filing twice through two accounts; raising it
hides small coordinated efforts, and the digest still lists repeats.

Cost: hashing and two sorts of all shingles, then MinHash of the cores and LSH: linear in the
size of the text apart from the sorts (no step compares all pairs). A dedicated shingle
index with the standard library alone was rejected: the per-shingle Python objects of
100,000 letters (some ten million shingles) cost more memory and time than numpy arrays,
and datasketch's banding parameters are already a dependency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from comments.anchoring import normalise

from .minhash import (
    LSH_THRESHOLD,
    NUM_PERM,
    band_pairs,
    minhash_signatures,
    shingle_hashes,
    shingle_signatures,
)
from .reading import joined_shingles, readings_of, sorted_unique
from .types import CommentRecord

__all__ = [
    "LSH_THRESHOLD",
    "MIN_SUBMITTERS",
    "NUM_PERM",
    "SimilarityGroups",
    "minhash_signatures",
    "shingle_hashes",
    "similarity_groups",
    "sorted_unique",
]

MIN_SUBMITTERS = 3
# Cores of two personalised copies share the letter but each keeps the phrases its own text
# shares with someone else's: a lower bar than for whole bodies, checked by containment after.
CORE_THRESHOLD = 0.7
MIN_TEMPLATE_SHINGLES = 12  # about fourteen words: less is a phrase, not a letter
CONTAINMENT = 0.6  # a member holds at least this share of its group's template
TEMPLATE_SUPPORT = 0.5  # a template shingle is held by at least this share of the members
ANCHORS = 32  # shingles of a template looked up to test whether a comment holds it
_BODIES_PER_BLOCK = 5_000  # records looked up at a time
_LOW32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class SimilarityGroups:
    """Every record's group (indices into the records, each group sorted), which records are
    stubs, and each record's distinct shingle hashes (``shingles[offsets[i]:offsets[i+1]]``,
    sorted) for templates."""

    groups: tuple[tuple[int, ...], ...]
    stubs: frozenset[int]
    shingles: np.ndarray
    offsets: np.ndarray

    def shingles_of(self, index: int) -> np.ndarray:
        return self.shingles[self.offsets[index] : self.offsets[index + 1]]


def _ids(values: Sequence[object]) -> np.ndarray:
    seen: dict[object, int] = {}
    return np.fromiter((seen.setdefault(v, len(seen)) for v in values), np.int64, len(values))


def _near_pairs(
    shingles: np.ndarray, owner: np.ndarray, stubs: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of non-stub bodies whose shared cores (shingles found in another body too) are
    similar; bodies with a core under ``MIN_TEMPLATE_SHINGLES`` are left out."""
    _values, inverse, frequency = np.unique(shingles, return_inverse=True, return_counts=True)
    core = (frequency[inverse.reshape(-1)] >= 2) & ~stubs[owner]
    sizes = np.bincount(owner[core], minlength=len(stubs))
    eligible = sizes >= MIN_TEMPLATE_SHINGLES
    kept = core & eligible[owner]
    if eligible.sum() < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    offsets = np.r_[0, np.cumsum(sizes[eligible])]
    signatures = shingle_signatures(shingles[kept], offsets, seed=seed)
    index = np.flatnonzero(eligible)
    a, b = band_pairs(signatures, CORE_THRESHOLD)
    return index[a], index[b]


def _copy_pairs(records: Sequence[CommentRecord], short: np.ndarray) -> np.ndarray:
    """Each record's first exact copy (same content hash; for short texts, same lines too)."""
    keys = [
        (r.content_hash, r.line_start, r.line_end) if is_short else (r.content_hash,)
        for r, is_short in zip(records, short.tolist(), strict=True)
    ]
    first_of: dict[tuple[object, ...], int] = {}
    return np.fromiter((first_of.setdefault(k, i) for i, k in enumerate(keys)), np.int64, len(keys))


def similarity_groups(records: Sequence[CommentRecord], *, seed: int = 1) -> SimilarityGroups:
    """Group records that are copies, near copies or personalised copies of one text with the
    same proposed text (see the module's description); every record is in one group."""
    size = len(records)
    readings = readings_of(records)
    shingles, owner, offsets = joined_shingles(readings)
    stubs = np.fromiter(
        (reading.stub and not r.papers for r, reading in zip(records, readings, strict=True)),
        bool,
        size,
    )
    short = np.diff(offsets) < MIN_TEMPLATE_SHINGLES
    near_a, near_b = _near_pairs(shingles, owner, stubs, seed) if size > 1 else (owner, owner)
    proposal = _ids([normalise(r.proposed_text) for r in records])
    same = proposal[near_a] == proposal[near_b]
    near_a, near_b = near_a[same], near_b[same]
    copies = _copy_pairs(records, short)
    edges = coo_matrix(
        (
            np.ones(size + len(near_a), dtype=np.int8),
            (np.r_[np.arange(size), near_a], np.r_[copies, near_b]),
        ),
        shape=(size, size),
    )
    grouping = SimilarityGroups(
        groups=_components(edges),
        stubs=frozenset(np.flatnonzero(stubs).tolist()),
        shingles=shingles,
        offsets=offsets,
    )
    # Second pass: whoever holds most of a group's template joins it (personalised copies
    # whose own text outweighs the letter; parts of one campaign found apart).
    held_a, held_b = _containment_pairs(grouping, owner, stubs, proposal)
    edges = edges + coo_matrix(
        (np.ones(len(held_a), dtype=np.int8), (held_a, held_b)), shape=(size, size)
    )
    joined = _components(edges)
    groups: list[tuple[int, ...]] = []
    for group in joined:
        groups.extend(_split_off_strays(group, grouping))
    return SimilarityGroups(
        groups=tuple(sorted(groups)),
        stubs=grouping.stubs,
        shingles=shingles,
        offsets=offsets,
    )


def held_shingles(
    group: Sequence[int], grouping: SimilarityGroups
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct shingles of every member of ``group``, concatenated, and the position in
    the group of the member holding each."""
    parts = [grouping.shingles_of(i) for i in group]
    member = np.repeat(np.arange(len(group)), [len(p) for p in parts])
    return (np.concatenate(parts) if parts else np.zeros(0, np.uint32)), member


def _components(edges: coo_matrix) -> tuple[tuple[int, ...], ...]:
    """The connected components of the graph, each a sorted tuple of indices."""
    if edges.shape[0] == 0:
        return ()
    _, labels = connected_components(edges, directed=False)
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return tuple(tuple(int(i) for i in part) for part in np.split(order, cuts))


def _templates(grouping: SimilarityGroups) -> tuple[list[np.ndarray], list[int], list[int]]:
    """The templates of the groups of two or more that are at least
    ``MIN_TEMPLATE_SHINGLES`` long, and the first member and size of each such group."""
    templates, firsts, sizes = [], [], []
    for group in grouping.groups:
        if len(group) < 2 or group[0] in grouping.stubs:
            continue
        template = template_of(group, grouping)
        if len(template) >= MIN_TEMPLATE_SHINGLES:
            templates.append(template)
            firsts.append(group[0])
            sizes.append(len(group))
    return templates, firsts, sizes


def _template_index(grouping: SimilarityGroups) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The anchors of the groups' templates (see :func:`_templates`): for each template its
    ``ANCHORS`` shingles found in the fewest other templates, which tell it apart. Returns
    the anchors sorted, the template of each, and for each template its number of anchors,
    its group's first member and size (as columns of the last array)."""
    templates, firsts, sizes = _templates(grouping)
    if not templates:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64), np.zeros((0, 3), np.int64)
    joined = np.concatenate(templates)
    owner = np.repeat(np.arange(len(templates)), [len(t) for t in templates])
    _values, inverse, shared_by = np.unique(joined, return_inverse=True, return_counts=True)
    order = np.lexsort((joined, shared_by[inverse.reshape(-1)], owner))
    starts = np.r_[0, np.cumsum([len(t) for t in templates])[:-1]]
    rank = np.arange(len(joined)) - np.repeat(starts, [len(t) for t in templates])
    chosen = order[rank < ANCHORS]  # ``order`` keeps each template's shingles together
    joined, owner = joined[chosen], owner[chosen]
    anchors = np.bincount(owner, minlength=len(templates))
    table = np.column_stack((anchors, np.array(firsts, np.int64), np.array(sizes, np.int64)))
    order = np.argsort(joined, kind="stable")
    return joined[order], owner[order], table


def _containment_pairs(
    grouping: SimilarityGroups, owner: np.ndarray, stubs: np.ndarray, proposal: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For every record holding at least ``CONTAINMENT`` of some group's template anchors
    (the same proposed text, not a stub): the record and the first member of the largest such
    group. Looked up through an index of anchors, never pairwise, ``_BODIES_PER_BLOCK``
    records at a time so that memory stays bounded."""
    index = _template_index(grouping)
    if len(index[2]) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    records, firsts = [], []
    for start in range(0, len(grouping.offsets) - 1, _BODIES_PER_BLOCK):
        end = min(start + _BODIES_PER_BLOCK, len(grouping.offsets) - 1)
        lo, hi = grouping.offsets[start], grouping.offsets[end]
        found = _best_templates(index, grouping.shingles[lo:hi], owner[lo:hi])
        record, first = found
        ok = ~stubs[record] & (proposal[record] == proposal[first])
        records.append(record[ok])
        firsts.append(first[ok])
    return np.concatenate(records), np.concatenate(firsts)


def _best_templates(
    index: tuple[np.ndarray, np.ndarray, np.ndarray], shingles: np.ndarray, owner: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each record (of those owning ``shingles``) holding at least ``CONTAINMENT`` of some
    template's anchors, and the first member of the largest such template's group."""
    hashes, template, facts = index
    left = np.searchsorted(hashes, shingles, side="left")
    found = np.searchsorted(hashes, shingles, side="right") - left
    hit = found > 0
    record, left, found = owner[hit], left[hit], found[hit]
    position = np.repeat(left - np.cumsum(found) + found, found) + np.arange(found.sum())
    keys = (np.repeat(record, found).astype(np.uint64) << np.uint64(32)) | template[
        position
    ].astype(np.uint64)
    pairs, hits = np.unique(keys, return_counts=True)
    record = (pairs >> np.uint64(32)).astype(np.int64)
    chosen = (pairs & _LOW32).astype(np.int64)
    share = hits / facts[chosen, 0]
    ok = share >= CONTAINMENT
    record, chosen, share = record[ok], chosen[ok], share[ok]
    # The largest group whose template the record holds (a part of a letter found apart
    # holds its own template best, and joins the whole letter's group).
    order = np.lexsort((-share, -facts[chosen, 2], record))
    best = order[np.r_[True, record[order][1:] != record[order][:-1]]] if len(order) else order
    return record[best], facts[chosen[best], 1]


def template_of(group: Sequence[int], grouping: SimilarityGroups) -> np.ndarray:
    """The shingles held by at least ``TEMPLATE_SUPPORT`` of the group's members (sorted)."""
    held, _member = held_shingles(group, grouping)
    values, frequency = np.unique(held, return_counts=True)
    return values[frequency >= TEMPLATE_SUPPORT * len(group)]


def _split_off_strays(group: tuple[int, ...], grouping: SimilarityGroups) -> list[tuple[int, ...]]:
    """The group without the members that hold less than ``CONTAINMENT`` of its template
    (each of those becomes a group of its own)."""
    if len(group) < 3:
        return [group]
    held, member = held_shingles(group, grouping)
    values, frequency = np.unique(held, return_counts=True)
    template = values[frequency >= TEMPLATE_SUPPORT * len(group)]
    if len(template) == 0:
        return [(i,) for i in group]
    hits = np.bincount(member[np.isin(held, template)], minlength=len(group))
    keep = hits >= CONTAINMENT * len(template)
    kept = tuple(i for i, k in zip(group, keep.tolist(), strict=True) if k)
    strays = [(i,) for i, k in zip(group, keep.tolist(), strict=True) if not k]
    return [kept] * bool(kept) + strays
