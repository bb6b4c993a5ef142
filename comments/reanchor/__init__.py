"""Re-anchoring a comment of one version onto the text of the next (pure; see
:mod:`comments.reanchor.matching` for the rules and docs/decisions/0008)."""

from .matching import (
    CLEAR_NEIGHBOURHOOD,
    COUNTERPART_MIN_SCORE,
    MAX_SPLIT,
    MIN_SHARED_WORDS,
    MIN_WORDS_FOR_CONTAINMENT,
    PAIRED_MIN_SCORE,
    REVIEW_BELOW,
    Reanchorer,
)
from .text import Candidate, OldAnchor, Outcome, Reanchored, match_key, similarity, words

__all__ = [
    "CLEAR_NEIGHBOURHOOD",
    "COUNTERPART_MIN_SCORE",
    "MAX_SPLIT",
    "MIN_SHARED_WORDS",
    "MIN_WORDS_FOR_CONTAINMENT",
    "PAIRED_MIN_SCORE",
    "REVIEW_BELOW",
    "Candidate",
    "OldAnchor",
    "Outcome",
    "Reanchored",
    "Reanchorer",
    "match_key",
    "similarity",
    "words",
]
