"""Synthesis of a version's comments into a digest: pure functions on plain data.

Records in (:class:`CommentRecord`), a :class:`Digest` out; no database, no task queue.
"""

from .campaigns import find_campaigns, minhash_signatures, similarity_groups
from .changes import proposed_changes
from .digest import build_digest, select_records
from .overview import agreement, disposition_summary, overview
from .quotes import check_quotes, excerpt
from .themes import Position, positions_from_groups, themes_per_section
from .types import (
    Audience,
    Campaign,
    ChangeGroup,
    CommentRecord,
    Count,
    DayCount,
    Digest,
    DigestRequest,
    DispositionSummary,
    Outcome,
    Overview,
    Proposal,
    Quote,
    QuoteMismatch,
    SectionAgreement,
    StanceCounts,
    Theme,
)

__all__ = [
    "Audience",
    "Campaign",
    "ChangeGroup",
    "CommentRecord",
    "Count",
    "DayCount",
    "Digest",
    "DigestRequest",
    "DispositionSummary",
    "Outcome",
    "Overview",
    "Position",
    "Proposal",
    "Quote",
    "QuoteMismatch",
    "SectionAgreement",
    "StanceCounts",
    "Theme",
    "agreement",
    "build_digest",
    "check_quotes",
    "disposition_summary",
    "excerpt",
    "find_campaigns",
    "minhash_signatures",
    "overview",
    "positions_from_groups",
    "proposed_changes",
    "select_records",
    "similarity_groups",
    "themes_per_section",
]
