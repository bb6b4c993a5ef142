"""Comparing two versions of a draft, section by section, down to the word.

Pure functions on plain data: the compare page and the API feed them sections as
:class:`SectionText` and render the :class:`SectionDiff` they get back.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

SegmentKind = Literal["equal", "insert", "delete"]
RowKind = Literal["equal", "change", "insert", "delete"]
SectionStatus = Literal["unchanged", "changed", "added", "removed"]

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SectionText:
    key: str
    heading: str
    lines: list[tuple[int, str]]


@dataclass(frozen=True, slots=True)
class Segment:
    kind: SegmentKind
    text: str


@dataclass(frozen=True, slots=True)
class Row:
    kind: RowKind
    old_number: int | None = None
    new_number: int | None = None
    old: tuple[Segment, ...] = ()
    new: tuple[Segment, ...] = ()


@dataclass(slots=True)
class SectionDiff:
    key: str
    heading: str
    status: SectionStatus
    rows: list[Row] = field(default_factory=list)

    @property
    def inserted(self) -> int:
        return sum(1 for row in self.rows if row.kind == "insert")

    @property
    def deleted(self) -> int:
        return sum(1 for row in self.rows if row.kind == "delete")

    @property
    def changed(self) -> int:
        return sum(1 for row in self.rows if row.kind == "change")


def word_diff(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Segments of the old line (equal/delete) and of the new line (equal/insert)."""
    old_tokens = _TOKENS.findall(old)
    new_tokens = _TOKENS.findall(new)
    old_segments: list[Segment] = []
    new_segments: list[Segment] = []
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed = "".join(old_tokens[i1:i2])
        added = "".join(new_tokens[j1:j2])
        if tag == "equal":
            old_segments.append(Segment("equal", removed))
            new_segments.append(Segment("equal", added))
            continue
        if removed:
            old_segments.append(Segment("delete", removed))
        if added:
            new_segments.append(Segment("insert", added))
    return _merge(old_segments), _merge(new_segments)


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].kind == segment.kind:
            merged[-1] = Segment(segment.kind, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return tuple(merged)


def _line_rows(old: list[tuple[int, str]], new: list[tuple[int, str]]) -> list[Row]:
    rows: list[Row] = []
    matcher = SequenceMatcher(
        None, [text for _, text in old], [text for _, text in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = old[i1:i2], new[j1:j2]
        if tag == "equal":
            rows.extend(
                Row("equal", o_num, n_num, (Segment("equal", o_text),), (Segment("equal", n_text),))
                for (o_num, o_text), (n_num, n_text) in zip(old_part, new_part, strict=True)
            )
            continue
        paired = min(len(old_part), len(new_part)) if tag == "replace" else 0
        for (o_num, o_text), (n_num, n_text) in zip(
            old_part[:paired], new_part[:paired], strict=True
        ):
            old_segments, new_segments = word_diff(o_text, n_text)
            rows.append(Row("change", o_num, n_num, old_segments, new_segments))
        rows.extend(
            Row("delete", old_number=o_num, old=(Segment("delete", o_text),))
            for o_num, o_text in old_part[paired:]
        )
        rows.extend(
            Row("insert", new_number=n_num, new=(Segment("insert", n_text),))
            for n_num, n_text in new_part[paired:]
        )
    return rows


def compare_sections(old: list[SectionText], new: list[SectionText]) -> list[SectionDiff]:
    """Diff two versions section by section, matching sections by their stable key.

    Sections come out in the new version's order; a removed section follows the section that
    preceded it in the old version.
    """
    old_by_key = {section.key: section for section in old}
    new_keys = {section.key for section in new}
    result: list[SectionDiff] = []
    removed_after: dict[str | None, list[SectionText]] = {}
    previous: str | None = None
    for section in old:
        if section.key not in new_keys:
            removed_after.setdefault(previous, []).append(section)
        else:
            previous = section.key

    def add_removed(after: str | None) -> None:
        for gone in removed_after.get(after, []):
            result.append(
                SectionDiff(gone.key, gone.heading, "removed", _line_rows(gone.lines, []))
            )

    add_removed(None)
    for section in new:
        before = old_by_key.get(section.key)
        if before is None:
            result.append(
                SectionDiff(section.key, section.heading, "added", _line_rows([], section.lines))
            )
        else:
            rows = _line_rows(before.lines, section.lines)
            # Lines that moved but kept their words count as unchanged.
            unchanged = all(row.kind == "equal" for row in rows)
            status: SectionStatus = "unchanged" if unchanged else "changed"
            result.append(SectionDiff(section.key, section.heading, status, rows))
        add_removed(section.key)
    return result
