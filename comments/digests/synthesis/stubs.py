"""Stubs: texts that hold no position of their own ("Please find our feedback attached.",
".", "N/A", "#NAME?", "4.", "deleted", "Dear Secretary,", redaction headers).

A stub is never a campaign's text, never a quote and never a theme's material: a digest
counts the comment and shows nothing of it. The test is deliberately narrow, so that a short
real opinion ("We oppose this clause entirely.") is not a stub.
"""

from __future__ import annotations

import functools
import re

from comments.anchoring import normalise

# Fewer words than this (of letters, in any script) is a stub whatever they say.
STUB_MIN_WORDS = 4
# A text of at most this many words that only points elsewhere or says it was redacted is a
# stub too; one of at most ``GREETING_WORDS`` that greets or signs off ("Dear Secretary,").
STUB_SHORT_WORDS = 12
GREETING_WORDS = 6
# Scripts written without spaces (Chinese, Japanese): this many characters count as a word.
_CHARS_PER_WORD = 3

_POINTER = re.compile(
    r"\b(attach\w*|enclos\w*|see (our|the|my) (document|file|pdf|submission|letter|paper)|"
    r"uploaded|in the (file|document|pdf))\b"
)
_GREETING = re.compile(
    r"^(dear|to whom it may concern|hello|hi|good (morning|afternoon)|greetings|sincerely|"
    r"(kind|best|warm) regards|regards|yours (sincerely|faithfully|truly)|thank you|thanks|"
    r"madame|monsieur|sehr geehrte)\b"
)
_REDACTION = re.compile(
    r"\b(redact\w*|withheld|removed by (the )?(moderator|secretariat)|"
    r"personal (information|data|details) (removed|withheld)|anonymi[sz]ed)\b"
)
_SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


_SCANNED = 400  # enough characters to tell a stub: it has at most a dozen words
_LETTERS = re.compile(r"[^\W\d_]+")


def _words(text: str) -> int:
    """The words of letters in ``text`` (its first ``_SCANNED`` characters), a run of a
    script without spaces counting one word per ``_CHARS_PER_WORD`` characters."""
    head = text[:_SCANNED]
    runs = _LETTERS.findall(head)
    if not _SPACELESS.search(head):
        return len(runs)
    return sum(max(1, len(r) // _CHARS_PER_WORD) if _SPACELESS.match(r) else 1 for r in runs)


@functools.lru_cache(maxsize=65_536)  # a letter's sentences recur in every copy
def is_stub(text: str) -> bool:
    """Whether ``text`` holds no position: too few words, or a short text that only points
    to an attachment, greets or signs off, or announces a redaction."""
    words = _words(text)
    if words < STUB_MIN_WORDS:
        return True
    if words > STUB_SHORT_WORDS:
        return False
    folded = normalise(text)
    if words <= GREETING_WORDS and _GREETING.match(folded):
        return True
    return bool(_POINTER.search(folded) or _REDACTION.search(folded))
