"""The whole synthesis of one version's comments for one audience, as a :class:`Synthesis`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .briefing import briefing
from .campaigns import similarity_groups
from .changes import proposed_changes
from .excerpts import check_excerpts
from .folding import fold
from .overview import agreement, disposition_summary, overview
from .reading import with_readings
from .themes import themes_per_section
from .types import CommentRecord, Synthesis, SynthesisRequest


def select_records(
    records: Iterable[CommentRecord], request: SynthesisRequest
) -> list[CommentRecord]:
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


def synthesise(
    records: Iterable[CommentRecord],
    request: SynthesisRequest,
    dispositions: Mapping[str, str] | None = None,
    *,
    withheld: int = 0,
    answers: Mapping[str, tuple[int, int]] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Synthesis:
    """Synthesise ``records`` for ``request.audience``; the same input gives the same synthesis.

    For the working group, confidential comments are analysed like the others and marked
    confidential wherever they appear. For the public, a confidential comment is counted in
    the totals (:attr:`Overview.comments` and :attr:`Overview.confidential`) and nothing
    else: no term, label, quote, reference, organisation, section, count by group or
    campaign membership comes from it. ``withheld`` counts confidential comments the caller
    did not even pass (the worker does not read their text for a public digest).

    ``answers`` gives, by reference, how many acceptances and objections the commenters gave
    the secretariat's answer (those of the records the audience reads are counted).

    ``progress`` is told each stage as it starts, with the share of the work done (0-100).
    """
    report = progress or (lambda stage, done: None)
    report("Finding campaigns", 0)
    chosen = select_records(records, request)
    if request.audience == "public":
        readable = [r for r in chosen if not r.confidential]
        withheld += len(chosen) - len(readable)
        chosen = readable
    chosen = with_readings(chosen)[0]  # each comment read once, if it was not before
    grouping = similarity_groups(chosen, seed=request.seed)
    folded = fold(chosen, grouping, min_submitters=request.campaign_min_submitters)
    report("Finding themes", 45)
    themes = tuple(themes_per_section(folded.positions, seed=request.seed))
    report("Writing the briefing", 80)
    report("Summarising sections and proposed changes", 85)
    synthesis = Synthesis(
        audience=request.audience,
        cutoff=request.cutoff,
        sections=tuple(sorted({r.section_key for r in chosen})),
        overview=overview(chosen, distinct_positions=len(grouping.groups), withheld=withheld),
        campaigns=folded.campaigns,
        repeats=folded.repeats,
        themes=themes,
        agreement=tuple(agreement(chosen)),
        changes=tuple(proposed_changes(chosen)),
        dispositions=disposition_summary(chosen, dispositions or {}, answers),
        briefing=briefing(chosen, themes, folded.campaigns),
    )
    report("Checking quotes", 95)
    check_excerpts(synthesis, chosen)
    return synthesis
