"""Excerpts: verbatim passages of a comment's body (the quotes a digest shows), and the check
that a synthesis holds no other."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from .stubs import is_stub
from .types import CommentRecord, Excerpt, ExcerptMismatch, Synthesis

MAX_EXCERPT_LENGTH = 300

_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")
_WORD = re.compile(r"\w+")


def sentences(body: str) -> Iterator[tuple[int, int]]:
    """The spans of the body's sentences (and lines) that hold a word."""
    return _sentences(body)


def _sentences(body: str) -> Iterator[tuple[int, int]]:
    for match in _SENTENCE.finditer(body):
        start, end = match.span()
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if _WORD.search(body, start, end):
            yield start, end


def _window(body: str, start: int, end: int, focus: int) -> tuple[int, int]:
    """At most ``MAX_EXCERPT_LENGTH`` characters of ``body[start:end]`` around ``focus``,
    cut at word boundaries."""
    if end - start <= MAX_EXCERPT_LENGTH:
        return start, end
    lo = max(start, min(focus - MAX_EXCERPT_LENGTH // 3, end - MAX_EXCERPT_LENGTH))
    hi = lo + MAX_EXCERPT_LENGTH
    if lo > start:
        space = body.find(" ", lo, hi)
        lo = space + 1 if space != -1 else lo
    if hi < end:
        space = body.rfind(" ", lo, hi)
        hi = space if space > lo else hi
    return lo, hi


def excerpt(record: CommentRecord, terms: Sequence[str] = ()) -> Excerpt:
    """The sentence of the body that mentions most of ``terms`` (the first one on a tie),
    shortened to a window of at most ``MAX_EXCERPT_LENGTH`` characters; always verbatim.
    Stub sentences (a greeting, "see attached") are never chosen when another is there."""
    body = record.body
    best: tuple[int, int, int] | None = None
    best_score = -1
    lowered = body.casefold()
    spans = list(_sentences(body))
    spans = [span for span in spans if not is_stub(body[span[0] : span[1]])] or spans
    for start, end in spans:
        sentence = lowered[start:end]
        hits = [sentence.find(term.casefold()) for term in terms]
        score = sum(1 for hit in hits if hit != -1)
        if score > best_score:
            focus = min((hit for hit in hits if hit != -1), default=0) + start
            best, best_score = (start, end, focus), score
    if best is None:
        start, end = 0, len(body)
        focus = 0
    else:
        start, end, focus = best
    lo, hi = _window(body, start, end, focus)
    return Excerpt(
        reference=record.reference,
        text=body[lo:hi],
        confidential=record.confidential,
        organisation=record.organisation,
        stakeholder_type=record.stakeholder_type,
        language=record.written_in,
    )


def passage(record: CommentRecord, start: int = 0, end: int | None = None) -> Excerpt:
    """The opening of ``record.body[start:end]`` from its first sentence that is not a stub,
    at most ``MAX_EXCERPT_LENGTH`` characters cut at a word boundary; always verbatim."""
    body = record.body
    end = len(body) if end is None else end
    for first, _last in _sentences(body[start:end]):
        if not is_stub(body[start + first : start + _last]):
            start += first
            break
    lo, hi = _window(body, start, end, start)
    return Excerpt(
        reference=record.reference,
        text=body[lo:hi].strip(),
        confidential=record.confidential,
        organisation=record.organisation,
        stakeholder_type=record.stakeholder_type,
        language=record.written_in,
    )


def synthesis_excerpts(synthesis: Synthesis) -> Iterator[Excerpt]:
    """Every excerpt the synthesis holds: campaign and repeat representatives and theme
    quotes."""
    for campaign in synthesis.campaigns:
        if campaign.representative is not None:
            yield campaign.representative
    for repeat in synthesis.repeats:
        yield repeat.representative
    for theme in synthesis.themes:
        yield from theme.quotes


def check_excerpts(synthesis: Synthesis, records: Iterable[CommentRecord]) -> None:
    """Raise :class:`ExcerptMismatch` naming the first excerpt or label (of a theme, of a key
    message) that is not an exact substring of the body of the comment it cites (or that
    cites a comment not among ``records``)."""
    bodies = {record.reference: record.body for record in records}
    for cited in synthesis_excerpts(synthesis):
        body = bodies.get(cited.reference)
        if body is None or not cited.text or cited.text not in body:
            raise ExcerptMismatch(cited.reference, cited.text)
    labels = [(t.label_reference, t.label) for t in synthesis.themes if t.label_reference]
    labels += [(m.reference, m.label) for m in synthesis.briefing.key_messages]
    for reference, label in labels:
        if label not in bodies.get(reference, ""):
            raise ExcerptMismatch(reference, label)
