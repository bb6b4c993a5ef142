"""Proposed text changes, gathered per line range: ranges that overlap form one group, and
identical proposals (after normalisation) within a group are folded and counted."""

from __future__ import annotations

from collections.abc import Sequence

from comments.anchoring import normalise

from .types import ChangeGroup, CommentRecord, Proposal


def _group(members: Sequence[CommentRecord], line_start: int, line_end: int) -> ChangeGroup:
    folded: dict[tuple[int, int, str], list[CommentRecord]] = {}
    for member in members:
        key = (member.line_start, member.line_end, normalise(member.proposed_text))
        folded.setdefault(key, []).append(member)
    proposals = []
    for (start, end, _), holders in sorted(folded.items(), key=lambda item: item[0]):
        holders.sort(key=lambda r: r.reference)
        proposals.append(
            Proposal(
                line_start=start,
                line_end=end,
                text=holders[0].proposed_text,
                references=tuple(h.reference for h in holders),
                organisations=tuple(sorted({h.organisation for h in holders})),
                confidential=any(h.confidential for h in holders),
            )
        )
    return ChangeGroup(
        section_keys=tuple(sorted({m.section_key for m in members})),
        line_start=line_start,
        line_end=line_end,
        comments=len(members),
        proposals=tuple(proposals),
    )


def proposed_changes(records: Sequence[CommentRecord]) -> list[ChangeGroup]:
    """Groups of comments with a proposed text whose line ranges overlap (transitively), in
    line order."""
    proposing = sorted(
        (r for r in records if r.proposed_text.strip()),
        key=lambda r: (r.line_start, r.line_end, r.reference),
    )
    groups: list[ChangeGroup] = []
    current: list[CommentRecord] = []
    start = end = 0
    for record in proposing:
        if current and record.line_start > end:
            groups.append(_group(current, start, end))
            current = []
        if not current:
            start, end = record.line_start, record.line_end
        current.append(record)
        end = max(end, record.line_end)
    if current:
        groups.append(_group(current, start, end))
    return groups
