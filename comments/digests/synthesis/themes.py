"""Themes: the claims made in a section, found by NMF over TF-IDF of the substantive sentences
of its distinct positions (:mod:`.claims`), each labelled by its most central sentence.

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

from . import languages
from .claims import (
    LABEL_CANDIDATE_POSITIONS,
    central_sentence,
    distinct_quotes,
    holders,
    key_phrase,
    substantive_sentences,
)
from .languages import UNDETERMINED
from .reading import is_current, reading_text
from .types import NO_STANCE, CommentRecord, Theme, counts

MAX_THEMES = 8
MIN_POSITIONS_PER_THEME = 10
# A topic is split by stance (support, oppose, amend, none) where each part has this many
# positions: "keep the clause" and "drop the clause" share their words, not their claim.
MIN_POSITIONS_PER_CLAIM = 3
# A section with fewer distinct positions than this gets no themes: a handful of comments is
# read in full (the matrix, the section's proposed changes), not summarised into "themes".
MIN_POSITIONS_FOR_THEMES = 20
TOP_TERMS = 8
_SELECTION_SAMPLE = 600
# Topics are fitted on at most this many positions of a section (a fixed sample), and every
# position is then loaded on them: the cost of fitting does not grow with the corpus.
FIT_SAMPLE = 2_000
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


@dataclass(frozen=True, slots=True)
class _Fitted:
    """A section's positions read for themes: their languages and terms, the fitted
    vectoriser and NMF model, and every position's topic loadings."""

    spoken: list[str]
    vectoriser: TfidfVectorizer
    model: NMF
    loadings: np.ndarray
    topics: int


def _sample(rows: int, seed: int) -> np.ndarray:
    if rows <= FIT_SAMPLE:
        return np.arange(rows)
    return np.sort(np.random.default_rng(seed).choice(rows, FIT_SAMPLE, replace=False))


def _fit(positions: Sequence[Position], *, seed: int) -> _Fitted | None:
    """Fit the section's topics on at most ``FIT_SAMPLE`` positions (the same ones for the
    same input) and load every position on them; ``None`` when nothing is left to read."""
    texts = [reading_text(p.representative) for p in positions]
    readings = [
        p.representative.reading if is_current(p.representative) else None for p in positions
    ]
    unread = [i for i, reading in enumerate(readings) if reading is None]
    runs = {i: languages.letter_runs(texts[i]) for i in unread}
    detected = iter(languages.detect_many([texts[i] for i in unread], list(runs.values())))
    spoken = [reading.language if reading else next(detected) for reading in readings]
    sample = _sample(len(texts), seed)
    # The topics are learnt from the sample's substantive sentences; the other positions are
    # loaded on them by all their words (what a greeting adds weighs next to nothing there).
    fitted = [_terms(_substance(texts[i], spoken[i]), spoken[i]) for i in sample]
    try:
        vectoriser = TfidfVectorizer(
            analyzer=_given,
            min_df=_min_df(len(fitted)),
            max_df=0.9 if len(fitted) >= 20 else 1.0,
            sublinear_tf=True,
            max_features=MAX_FEATURES,
            dtype=np.float64,
        )
        matrix = vectoriser.fit_transform(fitted)
    except ValueError:  # nothing but stop words, or too few documents for min_df
        return None
    most = min(MAX_THEMES, len(fitted) // MIN_POSITIONS_PER_THEME)
    enough = most >= 2 and matrix.shape[1] >= 2
    topics = _choose_topics(matrix, most=most, seed=seed) if enough else 1
    model = NMF(n_components=topics, init="nndsvda", random_state=seed, max_iter=400)
    loadings = _quietly(model, matrix)
    if len(sample) < len(texts):
        documents: list[list[str]] = [[] for _ in texts]
        for index, document in zip(sample.tolist(), fitted, strict=True):
            documents[index] = document
        for index in np.setdiff1d(np.arange(len(texts)), sample).tolist():
            reading = readings[index]
            documents[index] = (
                _with_pairs(reading.word_list())
                if reading
                else _terms(texts[index], spoken[index], runs[index])
            )
        with threadpool_limits(limits=1):
            loadings = model.transform(vectoriser.transform(documents))
    return _Fitted(spoken, vectoriser, model, loadings, topics)


def _themes_of_section(
    section_key: str, positions: Sequence[Position], *, seed: int
) -> list[Theme]:
    if len(positions) < MIN_POSITIONS_FOR_THEMES:
        return []
    fitted = _fit(positions, seed=seed)
    if fitted is None:
        return []
    assigned = fitted.loadings.argmax(axis=1)
    themes = []
    for topic in range(fitted.topics):
        mask = (assigned == topic) & (fitted.loadings[:, topic] > 0)
        for indices in _by_direction(positions, np.flatnonzero(mask).tolist()):
            themes.append(_theme(section_key, positions, fitted, topic, indices))
    themes.sort(key=lambda t: (-t.comments, t.top_terms))
    return themes


def _by_direction(positions: Sequence[Position], indices: list[int]) -> list[list[int]]:
    """A topic's positions split by the stance they take, so that a claim and its opposite
    are two themes; a stance held by fewer than ``MIN_POSITIONS_PER_CLAIM`` positions stays
    with the topic's largest part."""
    parts: dict[str, list[int]] = {}
    for i in indices:
        parts.setdefault(positions[i].representative.stance or NO_STANCE, []).append(i)
    ordered = sorted(parts.values(), key=lambda part: (-len(part), part[0]))
    kept = [part for part in ordered if len(part) >= MIN_POSITIONS_PER_CLAIM] or ordered[:1]
    for part in ordered:
        if not any(part is k for k in kept):
            kept[0].extend(part)
    return [sorted(part) for part in kept if part]


def _theme(
    section_key: str,
    positions: Sequence[Position],
    fitted: _Fitted,
    topic: int,
    indices: list[int],
) -> Theme:
    component = fitted.model.components_[topic]
    terms = fitted.vectoriser.get_feature_names_out()
    top = tuple(str(terms[i]) for i in np.argsort(-component)[:TOP_TERMS])
    members = [m for i in indices for m in positions[i].members]
    in_languages = Counter(
        fitted.spoken[i]
        for i in indices
        for _ in positions[i].members
        if fitted.spoken[i] != UNDETERMINED
    )
    by_loading = sorted(
        indices,
        key=lambda i: (-fitted.loadings[i, topic], positions[i].representative.reference),
    )
    # The label is said by a position taking the theme's main stance (by comments).
    stance_mix = counts(Counter(m.stance or NO_STANCE for m in members))
    main = [i for i in by_loading if (positions[i].representative.stance or NO_STANCE)
            == stance_mix[0].key]  # fmt: skip
    leading = (main or by_loading)[:LABEL_CANDIDATE_POSITIONS]
    label = central_sentence(
        [(positions[i].representative, fitted.spoken[i]) for i in leading],
        component,
        lambda texts, spoken: fitted.vectoriser.transform(
            [_terms(t, lang) for t, lang in zip(texts, spoken, strict=True)]
        ),
    )
    label_text = label.text if label else ", ".join(top[:3])
    held = holders(members)
    return Theme(
        section_key=section_key,
        label=label_text,
        top_terms=top,
        positions=len(indices),
        comments=len(members),
        stakeholder_mix=counts(Counter(m.stakeholder_type for m in members)),
        stance_mix=stance_mix,
        quotes=distinct_quotes(
            [positions[i].representative for i in by_loading], top, label=label_text
        ),
        references=tuple(sorted(positions[i].representative.reference for i in indices)),
        languages=counts(in_languages),
        label_reference=label.reference if label else "",
        key_phrase=key_phrase(top),
        respondents=held.respondents,
        organisation_count=held.organisation_count,
        organisations=held.organisations,
        by_country=held.by_country,
        proposals=held.proposals,
        confidential=any(m.confidential for m in members),
    )


def _substance(text: str, language: str) -> str:
    """The text's substantive sentences (greetings, pointers to attachments and the like
    left out), or the text itself when it has none."""
    return " ".join(substantive_sentences(text, language)) or text


def _terms(text: str, language: str, runs: list[str] | None = None) -> list[str]:
    """The words of ``text`` that carry meaning, in its own language, and their pairs
    (``runs``: the text's letter runs, when already found)."""
    return _with_pairs(languages.words(text, language, runs))


def _with_pairs(found: list[str]) -> list[str]:
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
