"""Themes: recurring topics of a section, found by NMF over TF-IDF of its distinct positions.

Each campaign or group of copies enters once (its representative), weighted by its size in
the counts, so a thousand copies of one letter do not become a theme of their own. Each text
is read in its own language (``languages``): its stop words left out, Japanese segmented, so
French or German answers do not form a theme of "et, les, la" or "und, der, die"; a theme says
which languages its comments are in.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from comments.anchoring import normalise

from . import languages
from .excerpts import excerpt
from .languages import UNDETERMINED
from .stubs import is_stub
from .types import NO_STANCE, CommentRecord, Excerpt, Theme, counts

MAX_THEMES = 8
MIN_POSITIONS_PER_THEME = 10
TOP_TERMS = 8
QUOTES_PER_THEME = 3
_SELECTION_SAMPLE = 600
MAX_FEATURES = 4_000


@dataclass(frozen=True, slots=True)
class Position:
    """One distinct position: the record that stands for it and all the records that hold it."""

    representative: CommentRecord
    members: tuple[CommentRecord, ...]


def _min_df(documents: int) -> int:
    return 1 if documents < 50 else 2 if documents < 1_000 else 3


def _choose_topics(matrix: np.ndarray, *, most: int, seed: int) -> int:
    """The number of topics (2…``most``) whose NMF assignment separates the positions best
    (cosine silhouette), judged on a fixed sample of at most ``_SELECTION_SAMPLE`` positions."""
    rows = matrix.shape[0]
    sample = np.arange(rows)
    if rows > _SELECTION_SAMPLE:
        sample = np.sort(np.random.default_rng(seed).choice(rows, _SELECTION_SAMPLE, False))
    subset = matrix[sample]
    best, best_score = 1, -1.0
    for topics in range(2, most + 1):
        weights = NMF(topics, init="nndsvda", random_state=seed, max_iter=100, tol=1e-3)
        labels = _quietly(weights, subset).argmax(axis=1)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(subset, labels, metric="cosine"))
        if score > best_score + 1e-9:
            best, best_score = topics, score
    return best


def _themes_of_section(
    section_key: str, positions: Sequence[Position], *, seed: int
) -> list[Theme]:
    texts = [p.representative.body for p in positions]
    spoken = languages.detect_many(texts)
    documents = [_terms(text, language) for text, language in zip(texts, spoken, strict=True)]
    most = min(MAX_THEMES, len(positions) // MIN_POSITIONS_PER_THEME)
    try:
        vectoriser = TfidfVectorizer(
            analyzer=_given,
            min_df=_min_df(len(texts)),
            max_df=0.9 if len(texts) >= 20 else 1.0,
            sublinear_tf=True,
            max_features=MAX_FEATURES,
            dtype=np.float64,
        )
        matrix = vectoriser.fit_transform(documents)
    except ValueError:  # nothing but stop words, or too few documents for min_df
        return []
    enough = most >= 2 and matrix.shape[1] >= 2
    topics = _choose_topics(matrix, most=most, seed=seed) if enough else 1
    model = NMF(n_components=topics, init="nndsvda", random_state=seed, max_iter=400)
    loadings = _quietly(model, matrix)
    terms = vectoriser.get_feature_names_out()
    assigned = loadings.argmax(axis=1)
    themes: list[Theme] = []
    for topic in range(topics):
        indices = np.flatnonzero((assigned == topic) & (loadings[:, topic] > 0)).tolist()
        if not indices:
            continue
        top = tuple(str(terms[i]) for i in np.argsort(-model.components_[topic])[:TOP_TERMS])
        members = [m for i in indices for m in positions[i].members]
        in_languages = Counter(
            spoken[i] for i in indices for _ in positions[i].members if spoken[i] != UNDETERMINED
        )
        by_loading = sorted(
            indices,
            key=lambda i: (-loadings[i, topic], positions[i].representative.reference),
        )
        quotable = [positions[i].representative for i in by_loading]
        themes.append(
            Theme(
                section_key=section_key,
                label=", ".join(top[:3]),
                top_terms=top,
                positions=len(indices),
                comments=len(members),
                stakeholder_mix=counts(Counter(m.stakeholder_type for m in members)),
                stance_mix=counts(Counter(m.stance or NO_STANCE for m in members)),
                quotes=_distinct_quotes(quotable, top),
                references=tuple(sorted(positions[i].representative.reference for i in indices)),
                languages=counts(in_languages),
            )
        )
    themes.sort(key=lambda t: (-t.comments, t.top_terms))
    return themes


def _distinct_quotes(
    quotable: Sequence[CommentRecord], terms: Sequence[str]
) -> tuple[Excerpt, ...]:
    """Up to ``QUOTES_PER_THEME`` excerpts of the positions in order, never two that say the
    same thing (equal once normalised) nor a stub."""
    quotes: list[Excerpt] = []
    seen: set[str] = set()
    for record in quotable:
        quote = excerpt(record, terms)
        key = normalise(quote.text)
        if key in seen or is_stub(quote.text):
            continue
        seen.add(key)
        quotes.append(quote)
        if len(quotes) == QUOTES_PER_THEME:
            break
    return tuple(quotes)


def _terms(text: str, language: str) -> list[str]:
    """The words of ``text`` that carry meaning, in its own language, and their pairs."""
    found = languages.words(text, language)
    return found + [f"{a} {b}" for a, b in pairwise(found)]


def _given(terms: list[str]) -> list[str]:
    return terms


def _quietly(model: NMF, matrix: np.ndarray) -> np.ndarray:
    """Fit ``model``; NMF stopping at its iteration limit still gives usable themes."""
    # Small dense products: BLAS threads cost more in start-up and contention than they save.
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        # An exact fit of a tiny matrix can leave the (unused) reconstruction error a rounding
        # error below zero, whose square root numpy warns about.
        warnings.filterwarnings("ignore", "invalid value encountered in sqrt", RuntimeWarning)
        loadings: np.ndarray = model.fit_transform(matrix)
    return loadings


def themes_per_section(positions: Sequence[Position], *, seed: int = 1) -> list[Theme]:
    """Themes of every section (sections in key order, themes largest first). Theme sizes
    count positions and comments; quotes come from the positions most loaded on the theme."""
    by_section: dict[str, list[Position]] = {}
    for position in positions:
        by_section.setdefault(position.representative.section_key, []).append(position)
    themes: list[Theme] = []
    for key in sorted(by_section):
        section = sorted(by_section[key], key=lambda p: p.representative.reference)
        themes.extend(_themes_of_section(key, section, seed=seed))
    return themes


def positions_from_groups(
    records: Sequence[CommentRecord], groups: Sequence[Sequence[int]]
) -> list[Position]:
    """One position per group of copies, represented by its first member."""
    found = []
    for group in groups:
        members = tuple(records[i] for i in group)
        found.append(Position(representative=members[0], members=members))
    return found
