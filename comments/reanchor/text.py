"""Words of draft lines as re-anchoring compares them, and the plain data it works on. Pure."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Outcome = Literal["kept", "changed", "removed"]

_NUMBER_PREFIX = re.compile(r"^(?:action\s+)?\d{1,4}[.):]?\s+", re.IGNORECASE)
_WORDS = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of ``text``, case folded, without a leading section or item number."""
    return _WORDS.findall(_NUMBER_PREFIX.sub("", text.strip()).casefold())


def match_key(text: str) -> str:
    """What two lines must share to be the same words: see :func:`words`."""
    return " ".join(words(text))


@dataclass(frozen=True, slots=True)
class OldAnchor:
    """Where a comment points in the old version."""

    section_key: str
    line_start: int
    line_end: int
    lines: tuple[str, ...]
    quote_exact: str = ""
    quote_prefix: str = ""
    quote_suffix: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    line_start: int
    line_end: int
    section_key: str
    score: float


@dataclass(frozen=True, slots=True)
class Reanchored:
    outcome: Outcome
    score: float
    line_start: int | None = None
    line_end: int | None = None
    section_key: str | None = None
    quote_start: int | None = None
    candidates: tuple[Candidate, ...] = ()
    needs_review: bool = False


def similarity(old: Sequence[str], new: Sequence[str]) -> float:
    if not old or not new:
        return 0.0
    return SequenceMatcher(None, old, new, autojunk=False).ratio()


def runs(numbers: Iterable[int]) -> list[list[int]]:
    """Consecutive numbers grouped: ``[3, 4, 9]`` → ``[[3, 4], [9]]``."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


def containment_score(target: list[str], candidate: list[str]) -> float:
    """How well ``candidate`` holds the words of ``target``: their similarity, or, when the
    candidate is longer (a merged line), the share of the target's words it holds in order."""
    plain = similarity(target, candidate)
    if len(candidate) <= len(target) or not target:
        return plain
    matcher = SequenceMatcher(None, target, candidate, autojunk=False)
    held = sum(block.size for block in matcher.get_matching_blocks()) / len(target)
    return max(plain, held * 0.95)


def common_suffix(a: str, b: str) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[-1 - count] == b[-1 - count]:
        count += 1
    return count


def common_prefix(a: str, b: str) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[count] == b[count]:
        count += 1
    return count
