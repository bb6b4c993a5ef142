"""The synthesis of a version's comments (what a digest stores): pure functions on plain data.

Records in (:class:`CommentRecord`), a :class:`Synthesis` out; no database, no task queue.
"""

from .campaigns import MIN_SUBMITTERS, minhash_signatures, similarity_groups
from .changes import proposed_changes
from .excerpts import check_excerpts, excerpt
from .folding import Folded, find_campaigns, fold
from .overview import agreement, disposition_summary, overview
from .pipeline import select_records, synthesise
from .themes import Position, positions_from_groups, themes_per_section
from .types import (
    Audience,
    Campaign,
    ChangeGroup,
    CommentRecord,
    Count,
    DayCount,
    DispositionSummary,
    Excerpt,
    ExcerptMismatch,
    Outcome,
    Overview,
    Proposal,
    Repeat,
    SectionAgreement,
    StanceCounts,
    Synthesis,
    SynthesisRequest,
    Theme,
)

__all__ = [
    "MIN_SUBMITTERS",
    "Audience",
    "Campaign",
    "ChangeGroup",
    "CommentRecord",
    "Count",
    "DayCount",
    "DispositionSummary",
    "Excerpt",
    "ExcerptMismatch",
    "Folded",
    "Outcome",
    "Overview",
    "Position",
    "Proposal",
    "Repeat",
    "SectionAgreement",
    "StanceCounts",
    "Synthesis",
    "SynthesisRequest",
    "Theme",
    "agreement",
    "check_excerpts",
    "disposition_summary",
    "excerpt",
    "find_campaigns",
    "fold",
    "minhash_signatures",
    "overview",
    "positions_from_groups",
    "proposed_changes",
    "select_records",
    "similarity_groups",
    "synthesise",
    "themes_per_section",
]
