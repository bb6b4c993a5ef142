"""What a theme says and who says it: its label (the most central sentence of its positions,
verbatim), a key phrase, quotes from different submitters, and counts of who holds it.

A *substantive sentence* is a sentence (:func:`.languages.sentences`, language-aware) that is
not a stub: greetings, sign-offs, "see attached", redaction notices and bare numbers are left
out of what themes read, label and quote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from comments.anchoring import normalise

from . import languages
from .excerpts import excerpt
from .stubs import is_stub
from .types import CommentRecord, Count, Excerpt, ProposedText, counts

QUOTES_PER_THEME = 3
# A theme names its organisations with most comments first, up to this many (the JSON keeps
# the count of all of them).
MAX_THEME_ORGANISATIONS = 10
PROPOSALS_PER_THEME = 3
# The label is looked for among the sentences of the positions most loaded on the theme.
LABEL_CANDIDATE_POSITIONS = 40
# A label is a sentence of at most this many characters when one is there.
MAX_LABEL_LENGTH = 220


def substantive_sentences(text: str, language: str) -> list[str]:
    """The sentences of ``text`` that say something (verbatim slices of it), in order."""
    return [part for part in languages.sentences(text, language) if not is_stub(part)]


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    reference: str


def central_sentence(
    candidates: Sequence[tuple[CommentRecord, str]],
    centre: np.ndarray,
    vectorise: Callable[[list[str], list[str]], np.ndarray],
) -> Label | None:
    """The candidate sentence most similar (cosine) to ``centre``, a theme's term weights;
    short enough sentences first, the earliest reference on a tie. ``candidates`` pairs a
    record with its body's language."""
    sentences = [
        (record, language, sentence)
        for record, language in candidates
        for sentence in substantive_sentences(record.body, language)
    ]
    if not sentences:
        return None
    fitting = [s for s in sentences if len(s[2]) <= MAX_LABEL_LENGTH] or sentences
    vectors = vectorise([s for _, _, s in fitting], [language for _, language, _ in fitting])
    norm = float(np.linalg.norm(centre)) or 1.0
    scores = np.asarray(vectors @ centre).ravel() / norm
    order = sorted(range(len(fitting)), key=lambda i: (-scores[i], fitting[i][0].reference, i))
    record, _language, sentence = fitting[order[0]]
    return Label(text=sentence, reference=record.reference)


def key_phrase(terms: Sequence[str]) -> str:
    """The theme's first two-word term, or else its first two terms."""
    for term in terms[:4]:
        if " " in term:
            return term
    return ", ".join(terms[:2])


def distinct_quotes(
    quotable: Sequence[CommentRecord], terms: Sequence[str], *, label: str = ""
) -> tuple[Excerpt, ...]:
    """Up to ``QUOTES_PER_THEME`` excerpts of the positions in order, each from a different
    submitter, never two that say the same thing (equal once normalised), never the label
    again, never a stub."""
    quotes: list[Excerpt] = []
    seen = {normalise(label)} if label else set()
    submitters: set[str] = set()
    for record in quotable:
        if record.submitter_key in submitters:
            continue
        quote = excerpt(record, terms)
        key = normalise(quote.text)
        if key in seen or is_stub(quote.text):
            continue
        seen.add(key)
        submitters.add(record.submitter_key)
        quotes.append(quote)
        if len(quotes) == QUOTES_PER_THEME:
            break
    return tuple(quotes)


@dataclass(frozen=True, slots=True)
class Holders:
    respondents: int
    organisation_count: int
    organisations: tuple[str, ...]
    by_country: tuple[Count, ...]
    proposals: tuple[ProposedText, ...]


def holders(members: Sequence[CommentRecord]) -> Holders:
    """Who holds a claim (distinct submitters, organisations by comments, countries) and the
    replacement texts its amendments propose, identical ones (once normalised) counted once."""
    by_organisation = Counter(m.organisation for m in members if m.organisation)
    named = sorted(by_organisation.items(), key=lambda item: (-item[1], item[0]))
    proposed: dict[str, list[str]] = {}
    for member in members:
        if member.proposed_text.strip():
            proposed.setdefault(normalise(member.proposed_text), []).append(member.proposed_text)
    grouped = sorted(proposed.values(), key=lambda texts: (-len(texts), texts[0]))
    return Holders(
        respondents=len({m.submitter_key for m in members}),
        organisation_count=len(named),
        organisations=tuple(name for name, _ in named[:MAX_THEME_ORGANISATIONS]),
        by_country=counts(Counter(m.country or "unknown" for m in members)),
        proposals=tuple(
            ProposedText(text=texts[0], count=len(texts)) for texts in grouped[:PROPOSALS_PER_THEME]
        ),
    )
