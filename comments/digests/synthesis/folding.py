"""Folding groups of copies (:func:`.campaigns.similarity_groups`) into what a digest shows:
campaigns (a template once, with its copies, how many added their own text and who filed
it), repeats, and the positions the themes read.

A member's *own text* is its sentences of which less than ``OWN_TEXT_SHARE`` of the
shingles are held by ``OWN_TEXT_SUPPORT`` of the members (greetings and other stubs aside).
A member with own text is counted as such by its campaign, and that text (from its first own
sentence to its last) is read by the themes as a comment of its own.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .campaigns import (
    MIN_SUBMITTERS,
    SimilarityGroups,
    held_shingles,
    similarity_groups,
)
from .excerpts import passage, sentences
from .minhash import shingle_hashes
from .stubs import is_stub
from .themes import Position
from .types import Campaign, CommentRecord, Repeat, counts

OWN_TEXT_SHARE = 0.5
# Own text is read against the shingles nearly every member holds, so that two signers'
# similar personal paragraphs are not taken for the letter.
OWN_TEXT_SUPPORT = 0.8
OWN_TEXT_MIN_SHINGLES = 4  # fewer shingles outside the template is an edit, not a paragraph


@dataclass(frozen=True, slots=True)
class Folded:
    campaigns: tuple[Campaign, ...]
    repeats: tuple[Repeat, ...]
    positions: tuple[Position, ...]


@dataclass(frozen=True, slots=True)
class _Group:
    members: tuple[CommentRecord, ...]
    template: CommentRecord  # the representative, its body cut to the template's text
    additions: tuple[CommentRecord, ...]  # members' own text, each body cut to it


def _own_spans(
    members: Sequence[CommentRecord], candidates: Sequence[int], template: np.ndarray
) -> dict[int, list[tuple[int, int]]]:
    """The own sentences (spans in the body) of each candidate member (by position)."""
    spans: list[tuple[int, tuple[int, int]]] = []
    for m in candidates:
        body = members[m].body
        spans += [(m, s) for s in sentences(body) if not is_stub(body[s[0] : s[1]])]
    if not spans:
        return {}
    texts = [members[m].body[a:b] for m, (a, b) in spans]
    # A letter's sentences recur in most copies: each distinct one is hashed once.
    distinct = {text: index for index, text in enumerate(dict.fromkeys(texts))}
    hashes, offsets = shingle_hashes(list(distinct))
    inside = np.add.reduceat(np.isin(hashes, template).astype(np.int64), offsets[:-1])
    shares = (inside / np.diff(offsets))[[distinct[text] for text in texts]]
    own: dict[int, list[tuple[int, int]]] = {}
    for (m, span), share in zip(spans, shares.tolist(), strict=True):
        if share < OWN_TEXT_SHARE:
            own.setdefault(m, []).append(span)
    return own


def _template_span(body: str, own: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The span of ``body`` to show for the template: before its own text if a real sentence
    is there, else after it, else the whole body."""
    if not own:
        return 0, len(body)
    for start, end in ((0, own[0][0]), (own[-1][1], len(body))):
        if any(not is_stub(body[start + a : start + b]) for a, b in sentences(body[start:end])):
            return start, end
    return 0, len(body)


def _analyse(
    group: Sequence[int], members: tuple[CommentRecord, ...], grouping: SimilarityGroups
) -> tuple[_Group, tuple[CommentRecord, int, int]]:
    """The group's template, the representative (the member with least text outside it) with
    the span of its body that is template, and the members' own text."""
    held, member = held_shingles(group, grouping)
    values, frequency = np.unique(held, return_counts=True)
    template = values[frequency >= OWN_TEXT_SUPPORT * len(group)]
    outside = np.bincount(member[~np.isin(held, template)], minlength=len(group))
    candidates = np.flatnonzero(outside >= OWN_TEXT_MIN_SHINGLES).tolist()
    own = _own_spans(members, candidates, template)
    chosen = min(range(len(members)), key=lambda m: (outside[m], members[m].reference))
    record = members[chosen]
    start, end = _template_span(record.body, own.get(chosen, []))
    additions = tuple(
        _part(members[m], spans[0][0], spans[-1][1]) for m, spans in sorted(own.items())
    )
    cut = _part(record, start, end)
    return _Group(members=members, template=cut, additions=additions), (record, start, end)


def _part(record: CommentRecord, start: int, end: int) -> CommentRecord:
    """``record`` with only ``body[start:end]``: it is no longer the text its reading was
    read from, but it is still written in the comment's language."""
    return dataclasses.replace(
        record, body=record.body[start:end], reading=None, language=record.written_in
    )


def _campaign(found: _Group, where: tuple[CommentRecord, int, int]) -> Campaign:
    members = found.members
    organisations = tuple(sorted({m.organisation for m in members if m.organisation}))
    return Campaign(
        references=tuple(sorted(m.reference for m in members)),
        signatories=len({m.submitter_key for m in members}),
        organisations=organisations,
        stakeholder_mix=counts(Counter(m.stakeholder_type for m in members)),
        section_keys=tuple(sorted({m.section_key for m in members})),
        representative=passage(*where),
        includes_confidential=any(m.confidential for m in members),
        copies=len(members),
        with_own_text=len(found.additions),
        organisation_count=len(organisations),
    )


def _repeat(found: _Group, where: tuple[CommentRecord, int, int]) -> Repeat:
    members = found.members
    return Repeat(
        references=tuple(sorted(m.reference for m in members)),
        organisations=tuple(sorted({m.organisation for m in members if m.organisation})),
        submitters=len({m.submitter_key for m in members}),
        section_keys=tuple(sorted({m.section_key for m in members})),
        representative=passage(*where),
        includes_confidential=any(m.confidential for m in members),
    )


def fold(
    records: Sequence[CommentRecord],
    grouping: SimilarityGroups,
    *,
    min_submitters: int = MIN_SUBMITTERS,
) -> Folded:
    """Campaigns (groups filed by at least ``min_submitters`` distinct submitters, largest
    first), repeats (smaller groups of copies) and the positions for the themes: one per
    group that is not a stub, plus every member's own text."""
    campaigns: list[Campaign] = []
    repeats: list[Repeat] = []
    positions: list[Position] = []
    for group in grouping.groups:
        members = tuple(records[i] for i in group)
        if all(i in grouping.stubs for i in group):
            continue  # counted in the totals, never shown or quoted
        if len(group) == 1:
            positions.append(Position(representative=members[0], members=members))
            continue
        found, where = _analyse(group, members, grouping)
        positions.append(Position(representative=found.template, members=members))
        positions.extend(Position(representative=a, members=(a,)) for a in found.additions)
        if len({m.submitter_key for m in members}) >= min_submitters:
            campaigns.append(_campaign(found, where))
        else:
            repeats.append(_repeat(found, where))
    campaigns.sort(key=lambda c: (-len(c.references), c.references[0]))
    repeats.sort(key=lambda r: (-len(r.references), r.references[0]))
    return Folded(tuple(campaigns), tuple(repeats), tuple(positions))


def find_campaigns(
    records: Sequence[CommentRecord], *, min_submitters: int = MIN_SUBMITTERS, seed: int = 1
) -> list[Campaign]:
    """The campaigns among ``records`` (see :func:`fold`)."""
    return list(
        fold(
            records, similarity_groups(records, seed=seed), min_submitters=min_submitters
        ).campaigns
    )
