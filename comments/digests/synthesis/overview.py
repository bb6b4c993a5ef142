"""Counts: the overview of who commented on what and when, stance by stakeholder group, and
the secretariat's dispositions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from .types import (
    NO_STANCE,
    OUTCOMES,
    CommentRecord,
    DayCount,
    DispositionSummary,
    Overview,
    SectionAgreement,
    StanceCounts,
    counts,
)


def overview(
    records: Sequence[CommentRecord], *, distinct_positions: int, withheld: int = 0
) -> Overview:
    """Totals by section, kind, stance, stakeholder type, country, language and day (UTC date
    of filing, as given); ``distinct_positions`` counts each group of copies once.

    ``withheld`` confidential comments, which the audience may not read, are added to the
    number of comments and of confidential comments, and to nothing else.
    """
    by_day = Counter(r.created_at.date() for r in records)
    return Overview(
        comments=len(records) + withheld,
        distinct_positions=distinct_positions,
        confidential=sum(1 for r in records if r.confidential) + withheld,
        by_section=counts(Counter(r.section_key for r in records)),
        by_kind=counts(Counter(r.kind for r in records)),
        by_stance=counts(Counter(r.stance or NO_STANCE for r in records)),
        by_stakeholder_type=counts(Counter(r.stakeholder_type for r in records)),
        by_country=counts(Counter(r.country or "unknown" for r in records)),
        by_day=tuple(DayCount(day=day, count=n) for day, n in sorted(by_day.items())),
        by_language=counts(Counter(r.written_in for r in records)),
        **respondents(records),
    )


def respondents(records: Sequence[CommentRecord]) -> dict[str, int]:
    """Distinct submitters, and among them named organisations and individuals (an
    individual counts once however many comments they filed)."""
    submitters = {r.submitter_key: r for r in records}
    organisations = {r.organisation for r in records if r.organisation}
    individuals = sum(1 for r in submitters.values() if r.stakeholder_type == "individual")
    return {
        "respondents": len(submitters),
        "organisations": len(organisations),
        "individuals": individuals,
    }


def _stance_counts(group: str, stances: Counter[str]) -> StanceCounts:
    stanced = stances["support"] + stances["oppose"] + stances["amend"]

    def share(stance: str) -> float:
        return round(stances[stance] / stanced, 4) if stanced else 0.0

    return StanceCounts(
        group=group,
        total=sum(stances.values()),
        support=stances["support"],
        oppose=stances["oppose"],
        amend=stances["amend"],
        no_stance=stances[NO_STANCE],
        support_share=share("support"),
        oppose_share=share("oppose"),
        amend_share=share("amend"),
    )


def agreement(records: Sequence[CommentRecord]) -> list[SectionAgreement]:
    """Per section, support/oppose/amend counts overall and by stakeholder type; shares are
    of the comments that took a stance."""
    by_section: dict[str, dict[str, Counter[str]]] = {}
    for record in records:
        groups = by_section.setdefault(record.section_key, {})
        groups.setdefault(record.stakeholder_type, Counter())[record.stance or NO_STANCE] += 1
    result = []
    for key in sorted(by_section):
        groups = by_section[key]
        overall: Counter[str] = Counter()
        for stances in groups.values():
            overall.update(stances)
        result.append(
            SectionAgreement(
                section_key=key,
                overall=_stance_counts("all", overall),
                by_stakeholder_type=tuple(
                    _stance_counts(group, groups[group]) for group in sorted(groups)
                ),
            )
        )
    return result


def disposition_summary(
    records: Sequence[CommentRecord],
    dispositions: Mapping[str, str],
    answers: Mapping[str, tuple[int, int]] | None = None,
) -> DispositionSummary:
    """How many of ``records`` were accepted, partially accepted, rejected, noted or are still
    open (no entry in ``dispositions``), and how many acceptances and objections their
    commenters gave the answers (``answers``: reference → (accepted, objected)). An unknown
    outcome is a caller's error."""
    tally: Counter[str] = Counter({outcome: 0 for outcome in OUTCOMES})
    for record in records:
        outcome = dispositions.get(record.reference, "open")
        if outcome not in OUTCOMES:
            raise ValueError(f"Unknown disposition {outcome!r} for {record.reference}.")
        tally[outcome] += 1
    ordered: dict[str, int] = {outcome: tally[outcome] for outcome in OUTCOMES}
    summary = counts(ordered, total=len(records))
    by_outcome = {c.key: c for c in summary}
    answered = [(answers or {}).get(record.reference, (0, 0)) for record in records]
    return DispositionSummary(
        total=len(records),
        counts=tuple(by_outcome[outcome] for outcome in OUTCOMES),
        accepted=sum(a for a, _ in answered),
        objected=sum(o for _, o in answered),
    )
