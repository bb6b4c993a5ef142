"""The whole synthesis of one version's comments for one audience, as a :class:`Digest`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

from .campaigns import campaigns_from_groups, similarity_groups
from .changes import proposed_changes
from .overview import agreement, disposition_summary, overview
from .quotes import check_quotes
from .themes import positions_from_groups, themes_per_section
from .types import CommentRecord, Digest, DigestRequest


def select_records(records: Iterable[CommentRecord], request: DigestRequest) -> list[CommentRecord]:
    """The records the request covers (sections, cut-off), in reference order."""
    wanted = set(request.sections) if request.sections is not None else None
    chosen = [
        r
        for r in records
        if (wanted is None or r.section_key in wanted)
        and (request.cutoff is None or r.created_at <= request.cutoff)
    ]
    chosen.sort(key=lambda r: r.reference)
    return chosen


def build_digest(
    records: Iterable[CommentRecord],
    request: DigestRequest,
    dispositions: Mapping[str, str] | None = None,
    *,
    signatures: Mapping[str, np.ndarray] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Digest:
    """Synthesise ``records`` for ``request.audience``; the same input gives the same digest.

    Confidential comments are always counted. For the public they are never quoted, never a
    campaign's representative and never attributed; for the working group they appear marked
    confidential. ``signatures`` maps references to stored MinHash signatures (see
    :func:`~comments.synthesis.campaigns.minhash_signatures`), used when all are present.
    ``progress`` is told each stage as it starts, with the share of the work done (0-100).
    """
    report = progress or (lambda stage, done: None)
    report("Finding campaigns", 0)
    chosen = select_records(records, request)
    public = request.audience == "public"
    stored = None
    if signatures is not None and all(r.reference in signatures for r in chosen):
        stored = np.array([signatures[r.reference] for r in chosen], dtype=np.uint32)
        stored = stored.reshape(len(chosen), -1)
    grouping = similarity_groups(chosen, seed=request.seed, signatures=stored)
    campaigns = campaigns_from_groups(
        chosen, grouping, public=public, min_size=request.campaign_min_size
    )
    positions = positions_from_groups(chosen, grouping.groups, public=public)
    report("Finding themes", 45)
    themes = tuple(themes_per_section(positions, public=public, seed=request.seed))
    report("Summarising sections and proposed changes", 85)
    digest = Digest(
        audience=request.audience,
        cutoff=request.cutoff,
        sections=tuple(sorted({r.section_key for r in chosen})),
        overview=overview(chosen, distinct_positions=len(grouping.groups)),
        campaigns=tuple(campaigns),
        themes=themes,
        agreement=tuple(agreement(chosen)),
        changes=tuple(proposed_changes(chosen, public=public)),
        dispositions=disposition_summary(chosen, dispositions or {}),
    )
    report("Checking quotes", 95)
    check_quotes(digest, chosen)
    return digest
