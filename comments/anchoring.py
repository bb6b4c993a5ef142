"""Checking where a comment points: line ranges and quoted phrases, and the normalised hash
that finds copies of the same text. Pure functions on plain strings.

A quote follows the W3C Web Annotation ``TextQuoteSelector``: the exact text plus a little of
what precedes and follows it, so the same words appearing twice on a line are told apart.
Offsets count characters in the readable text of ``line_start`` (lines of a range are joined
with a newline).
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

MAX_QUOTE_LENGTH = 2_000
MAX_CONTEXT_LENGTH = 64

_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogues; this module stays free of Django, so the caller
    translates it (:attr:`AnchorError.template` and :attr:`AnchorError.params`)."""
    return message


class AnchorError(ValueError):
    """The anchor does not fit the version's text; the message says how, and ``field`` where.
    ``template`` is the message's catalogue entry and ``params`` its values: the caller
    translates ``template % params``; ``str()`` gives the English."""

    def __init__(self, template: str, *, field: str, **params: Any) -> None:
        super().__init__(template % params)
        self.template = template
        self.params = params
        self.field = field


@dataclass(frozen=True, slots=True)
class Quote:
    """``language``: the language of the text quoted, when it is a rendering's (``fr``);
    empty for the master's. Line numbers and offsets are the rendering's line's, which is
    numbered as the master's."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    language: str = ""


def check_line_range(line_start: int, line_end: int, line_count: int) -> None:
    if line_start < 1 or line_start > line_count:
        raise AnchorError(
            gettext_noop("Line %(line)s is outside this version, which has lines 1–%(count)s."),
            line=line_start,
            count=line_count,
            field="line_start",
        )
    if line_end < line_start:
        raise AnchorError(
            gettext_noop("The range ends (line %(end)s) before it starts (line %(start)s)."),
            end=line_end,
            start=line_start,
            field="line_end",
        )
    if line_end > line_count:
        raise AnchorError(
            gettext_noop("Line %(line)s is outside this version, which has lines 1–%(count)s."),
            line=line_end,
            count=line_count,
            field="line_end",
        )


def locate_quote(text: str, quote: Quote, *, where: str) -> int:
    """Return the offset of ``quote.exact`` in ``text``, checked against prefix, suffix and
    start; raise :class:`AnchorError` if the quote is not the text at that place."""
    exact = quote.exact
    if not exact.strip():
        raise AnchorError(gettext_noop("The quote is empty."), field="quote_exact")
    if len(exact) > MAX_QUOTE_LENGTH:
        raise AnchorError(
            gettext_noop("The quote is %(count)s characters; the limit is %(limit)s."),
            count=f"{len(exact):,}",
            limit=f"{MAX_QUOTE_LENGTH:,}",
            field="quote_exact",
        )
    if len(quote.prefix) > MAX_CONTEXT_LENGTH or len(quote.suffix) > MAX_CONTEXT_LENGTH:
        raise AnchorError(
            gettext_noop("Quote prefix and suffix are limited to %(limit)s characters."),
            limit=MAX_CONTEXT_LENGTH,
            field="quote_prefix",
        )
    if quote.start is not None:
        if quote.start < 0:
            raise AnchorError(
                gettext_noop("The quote's start offset cannot be negative."), field="quote_start"
            )
        if text[quote.start : quote.start + len(exact)] != exact:
            raise AnchorError(
                gettext_noop("The quoted text is not at character %(start)s of %(where)s."),
                start=quote.start,
                where=where,
                field="quote_exact",
            )
        candidates = [quote.start]
    else:
        candidates = [match.start() for match in re.finditer(re.escape(exact), text)]
    if not candidates:
        raise AnchorError(
            gettext_noop("The quoted text does not appear in %(where)s."),
            where=where,
            field="quote_exact",
        )
    fitting = [
        offset
        for offset in candidates
        if text[:offset].endswith(quote.prefix)
        and text[offset + len(exact) :].startswith(quote.suffix)
    ]
    if not fitting:
        raise AnchorError(
            gettext_noop(
                "The quoted text appears in %(where)s, but not between the given prefix and suffix."
            ),
            where=where,
            field="quote_prefix",
        )
    if len(fitting) > 1:
        raise AnchorError(
            gettext_noop(
                "The quoted text appears %(count)s times in %(where)s; add a prefix or suffix to "
                "say which one."
            ),
            count=len(fitting),
            where=where,
            field="quote_prefix",
        )
    return fitting[0]


def normalise(text: str) -> str:
    """The text reduced to what distinguishes a position: case, punctuation, spacing and
    Unicode variants folded away, so trivially edited copies compare equal."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # Runs of whitespace as one space, none at the ends: str.split() splits where ``\s``
    # matches (the same Unicode whitespace), in one pass instead of a substitution per space.
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


def content_hash(body: str, proposed_text: str = "") -> str:
    """SHA-256 of the normalised body and proposed text: equal for exact campaign copies."""
    payload = normalise(body) + "\x1f" + normalise(proposed_text)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
