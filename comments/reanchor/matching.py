"""Re-anchoring a comment of one version onto the text of the next. Pure functions on plain data.

A comment's anchor holds a section key, the text of its lines and, optionally, a quoted phrase
with a little of what precedes and follows it (W3C ``TextQuoteSelector``). :class:`Reanchorer`
is built once for a pair of versions and answers, per anchor, one of:

- ``kept``: the anchored words are in the new text (maybe renumbered, moved to another section,
  split over several lines or merged into one); the new lines are given.
- ``changed``: the words were rewritten; the best candidate lines and a score in 0…1.
- ``removed``: no counterpart scores :data:`COUNTERPART_MIN_SCORE` or more.

The rule that matters: a comment is never moved silently onto text that says something else.
Words are matched after :func:`match_key` (case, punctuation, spacing and a leading section or
item number folded away), never by similarity alone; a ``changed`` result scoring below
:data:`REVIEW_BELOW` waits for the secretariat (``needs_review``). Similarity is difflib's on
word sequences (the standard library: texts are lines of a code, not documents, so a faster
library would buy nothing measurable).

Lines are located with the diff between the versions (one ``SequenceMatcher`` over the whole
text, so renumbered and reordered sections are followed although their keys changed), then by
identical text anywhere (moved lines), then by the old line inside one new line (merged) or
across consecutive new lines (split); the section counterpart and the neighbouring lines break
ties between identical lines.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from drafts.diff import SectionText

from .text import (
    Candidate,
    OldAnchor,
    Reanchored,
    common_prefix,
    common_suffix,
    containment_score,
    match_key,
    runs,
    similarity,
)

#: A ``changed`` anchor scoring below this waits in the secretariat's review queue. Scores are
#: difflib ratios on the words of the anchored text: one word replaced in a line of 40 words
#: already scores about 0.975, so in practice every rewording is reviewed and only a correction
#: in a long line (or of the quote's surroundings) is carried without a person looking at it.
REVIEW_BELOW = 0.98
#: Below this, the best candidate is not a counterpart: the anchored text was removed.
COUNTERPART_MIN_SCORE = 0.5
#: A line the diff pairs with the old one (same place, words replaced) is its counterpart down
#: to this score: the diff's alignment is evidence that similarity alone is not.
PAIRED_MIN_SCORE = 0.3
#: Of identical new lines, one whose neighbours match the old line's better by this much (a sum
#: of two similarities, 0–2) is the counterpart; closer than that, the comment is reviewed.
CLEAR_NEIGHBOURHOOD = 0.5
#: A new line the diff left unmatched is tried as a counterpart only if it holds at least this
#: share of the old line's distinct words (a ratio of 0.5 cannot be reached with fewer).
MIN_SHARED_WORDS = 0.2
#: At most this many consecutive new lines are tried as the counterpart of one old line (split).
MAX_SPLIT = 3
#: A merged line is recognised only for old lines of at least this many words.
MIN_WORDS_FOR_CONTAINMENT = 4


@dataclass(slots=True)
class _Doc:
    numbers: list[int] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)
    section_of: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, sections: Iterable[SectionText]) -> "_Doc":
        doc = cls()
        for section in sections:
            for number, text in section.lines:
                doc.numbers.append(number)
                doc.texts[number] = text
                doc.keys[number] = match_key(text)
                doc.section_of[number] = section.key
        return doc


class Reanchorer:
    """Re-anchors comments of ``old`` onto ``new`` (each a version's sections and lines)."""

    def __init__(self, old: Sequence[SectionText], new: Sequence[SectionText]) -> None:
        self.old, self.new = _Doc.of(old), _Doc.of(new)
        self.by_key: dict[str, list[int]] = {}
        for number in self.new.numbers:
            self.by_key.setdefault(self.new.keys[number], []).append(number)
        self.equal: dict[int, int] = {}  # old line → new line, unchanged in the diff
        self.replaced: dict[int, list[int]] = {}  # old line → new lines of its diff block
        self._diff()
        self.counterpart = self._section_counterparts()
        self.taken = set(self.equal.values())
        unmatched = set(self.new.numbers) - self.taken
        self.free = [number for number in self.new.numbers if number in unmatched]
        self.free_words: dict[str, set[int]] = {}
        for number in self.free:
            for word in set(self.new.keys[number].split()):
                self.free_words.setdefault(word, set()).add(number)
        self._cache: dict[OldAnchor, Reanchored] = {}

    def _diff(self) -> None:
        old_keys = [self.old.keys[n] for n in self.old.numbers]
        new_keys = [self.new.keys[n] for n in self.new.numbers]
        matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            olds, news = self.old.numbers[i1:i2], self.new.numbers[j1:j2]
            if tag == "equal":
                self.equal.update(zip(olds, news, strict=True))
            elif tag == "replace":
                for number in olds:
                    self.replaced[number] = news

    def _section_counterparts(self) -> dict[str, str]:
        """Old section key → the new section holding most of its unchanged lines (the key
        alone is not trusted: renumbering ``6.`` to ``7.`` changes it)."""
        votes: dict[str, dict[str, int]] = {}
        for old_number, new_number in self.equal.items():
            tally = votes.setdefault(self.old.section_of[old_number], {})
            new_key = self.new.section_of[new_number]
            tally[new_key] = tally.get(new_key, 0) + 1
        counterparts = {key: max(tally, key=tally.__getitem__) for key, tally in votes.items()}
        new_keys = set(self.new.section_of.values())
        for key in set(self.old.section_of.values()) - counterparts.keys():
            if key in new_keys:
                counterparts[key] = key
        return counterparts

    # --- Locating one old line -------------------------------------------------------------

    def _locate(self, old_number: int) -> list[int]:
        """The new lines holding exactly the words of old line ``old_number`` (one line, or
        consecutive lines when it was split; the merged line when it was joined to another),
        or ``[]``."""
        if old_number in self.equal:
            return [self.equal[old_number]]
        key = self.old.keys[old_number]
        if not key:
            return []
        # A line the diff pairs with an identical old line is that line's counterpart.
        same = [n for n in self.by_key.get(key, []) if n not in self.taken]
        if same:
            closest = self._closest(old_number, same)
            return [closest] if closest is not None else []
        region = self.replaced.get(old_number, self.free)
        split = self._split(key, region)
        if split:
            return split
        if len(key.split()) >= MIN_WORDS_FOR_CONTAINMENT:
            pattern = f" {key} "
            holders = [n for n in region if pattern in f" {self.new.keys[n]} "]
            closest = self._closest(old_number, holders) if holders else None
            if closest is not None:
                return [closest]
        return []

    def _split(self, key: str, region: Sequence[int]) -> list[int]:
        for start, number in enumerate(region):
            joined = self.new.keys[number]
            if not key.startswith(joined):
                continue
            for size in range(2, MAX_SPLIT + 1):
                window = region[start : start + size]
                if len(window) < size or window[-1] - window[0] != size - 1:
                    break
                joined = f"{joined} {self.new.keys[window[-1]]}"
                if joined == key:
                    return list(window)
                if not key.startswith(joined):
                    break
        return []

    def _closest(self, old_number: int, options: Sequence[int]) -> int | None:
        """Among new lines with the same words, the one in the section's counterpart whose
        neighbours look most like the old line's; None when nothing tells them apart (the
        comment is then reviewed, never given to one copy by chance)."""
        if len(options) == 1:
            return options[0]
        section = self.counterpart.get(self.old.section_of[old_number])

        def rank(number: int) -> tuple[int, float]:
            in_section = int(self.new.section_of[number] == section)
            return in_section, self._neighbourhood(old_number, number)

        first, second = sorted(options, key=rank, reverse=True)[:2]
        (first_in, first_near), (second_in, second_near) = rank(first), rank(second)
        if first_in > second_in or first_near - second_near >= CLEAR_NEIGHBOURHOOD:
            return first
        return None

    def _neighbourhood(self, old_number: int, new_number: int) -> float:
        score = 0.0
        for step in (-1, 1):
            before = self.old.keys.get(old_number + step)
            after = self.new.keys.get(new_number + step)
            if before is not None and after is not None:
                score += similarity(before.split(), after.split())
        return score

    # --- Whole anchors ---------------------------------------------------------------------

    def reanchor(self, anchor: OldAnchor) -> Reanchored:
        """Where ``anchor``'s words are in the new text (comments on the same words share one
        computation)."""
        if anchor not in self._cache:
            self._cache[anchor] = self._reanchor(anchor)
        return self._cache[anchor]

    def _reanchor(self, anchor: OldAnchor) -> Reanchored:
        numbers = range(anchor.line_start, anchor.line_end + 1)
        located = {number: self._locate(number) for number in numbers}
        found = sorted({n for lines in located.values() for n in lines})
        every_line = all(located.values())
        if every_line and found[-1] - found[0] < 2 * len(found) + 1:
            kept = self._kept(anchor, found[0], found[-1])
            if kept is not None:
                return kept
        if anchor.quote_exact:
            kept = self._quote_survives(anchor, found)
            if kept is not None:
                return kept
        return self._rewritten(anchor, found)

    def _quote_survives(self, anchor: OldAnchor, found: list[int]) -> Reanchored | None:
        """The quoted words are still in the line that replaced the anchor's line in the diff
        (reworded around them): ``kept`` there. Only a line that is still a counterpart of the
        old one counts, so a phrase that happens to recur elsewhere never pulls a comment."""
        old = self._old(anchor.line_start)
        region = sorted(set(found) | set(self.replaced.get(anchor.line_start, [])))
        best: tuple[float, int] | None = None
        for number in region:
            if anchor.quote_exact not in self.new.texts[number]:
                continue
            score = similarity(old, self.new.keys[number].split())
            if score >= COUNTERPART_MIN_SCORE and (best is None or score > best[0]):
                best = (score, number)
        if best is None:
            return None
        return self._kept(anchor, best[1], best[1])

    def _kept(self, anchor: OldAnchor, first: int, last: int) -> Reanchored | None:
        """``kept`` on ``first``…``last`` if the quote (if any) is still there."""
        quote_start = None
        if anchor.quote_exact:
            quote_start = self._find_quote(anchor, first, last)
            if quote_start is None:
                return None
        return Reanchored(
            "kept",
            1.0,
            first,
            last,
            self.new.section_of[first],
            quote_start=quote_start,
        )

    def _find_quote(self, anchor: OldAnchor, first: int, last: int) -> int | None:
        """Offset of the quote in line ``first`` (or across ``first``…``last`` joined), the
        occurrence whose prefix and suffix fit best; None if the words are not there."""
        text = "\n".join(self.new.texts[n] for n in range(first, last + 1))
        exact = anchor.quote_exact
        offsets = [m.start() for m in re.finditer(re.escape(exact), text)]
        if not offsets:
            return None

        def fit(offset: int) -> int:
            before, after = text[:offset], text[offset + len(exact) :]
            return common_suffix(before, anchor.quote_prefix) + common_prefix(
                after, anchor.quote_suffix
            )

        return max(offsets, key=fit)

    def _rewritten(self, anchor: OldAnchor, found: list[int]) -> Reanchored:
        """``changed`` with the best candidates, or ``removed``; never ``kept``."""
        target = [w for n in range(anchor.line_start, anchor.line_end + 1) for w in self._old(n)]
        paired = self._paired(anchor, found)
        ranked = sorted(
            {c for region in self._regions(paired, target) for c in self._windows(target, region)},
            key=lambda c: (-c.score, c.line_start, c.line_end),
        )
        # The best window starting on each line: three places, not one place three times.
        by_start: dict[int, Candidate] = {}
        for candidate in ranked:
            by_start.setdefault(candidate.line_start, candidate)
        candidates = list(by_start.values())[:3]
        best = candidates[0].score if candidates else 0.0
        minimum = {True: PAIRED_MIN_SCORE, False: COUNTERPART_MIN_SCORE}
        if not candidates or best < minimum[candidates[0].line_start in paired]:
            return Reanchored("removed", round(best, 3), candidates=tuple(candidates))
        top = candidates[0]
        tied = len(candidates) > 1 and candidates[1].score == best
        return Reanchored(
            "changed",
            round(best, 3),
            top.line_start,
            top.line_end,
            top.section_key,
            candidates=tuple(candidates),
            needs_review=best < REVIEW_BELOW or tied,
        )

    def _old(self, number: int) -> list[str]:
        return self.old.keys[number].split()

    def _paired(self, anchor: OldAnchor, found: list[int]) -> list[int]:
        """The lines the anchor's lines were found on and those that replaced them in the
        diff: where the diff itself says the counterpart is."""
        paired = set(found)
        for number in range(anchor.line_start, anchor.line_end + 1):
            paired.update(self.replaced.get(number, []))
        return sorted(paired)

    def _regions(self, paired: list[int], target: list[str]) -> list[list[int]]:
        """Where a counterpart may be: runs of consecutive paired lines, then new lines the
        diff did not match (a line moved and rewritten) that share enough of its words to
        reach :data:`COUNTERPART_MIN_SCORE`, with the lines just before them (a split)."""
        distinct = set(target)
        shared: dict[int, int] = {}
        for word in distinct:
            for number in self.free_words.get(word, ()):
                shared[number] = shared.get(number, 0) + 1
        near = {
            start
            for number, count in shared.items()
            if count >= MIN_SHARED_WORDS * len(distinct)
            for start in range(number - MAX_SPLIT + 1, number + 1)
        }
        free = [number for number in self.free if number in near]
        return [*runs(paired), *runs(free)]

    def _windows(self, target: list[str], region: Sequence[int]) -> list[Candidate]:
        candidates = []
        for start, number in enumerate(region):
            joined: list[str] = []
            for size in range(1, MAX_SPLIT + 1):
                window = region[start : start + size]
                if len(window) < size or window[-1] - window[0] != size - 1:
                    break
                joined = joined + self.new.keys[window[-1]].split()
                score = containment_score(target, joined)
                candidates.append(
                    Candidate(number, window[-1], self.new.section_of[number], round(score, 3))
                )
        return candidates
