"""Re-anchoring a comment on the next version's text (comments/reanchor/), rule by rule, and
two properties over random revisions of a text."""

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from comments.reanchor import REVIEW_BELOW, OldAnchor, Reanchorer, match_key
from drafts.diff import SectionText

RISKS = "Keep a register of identified risks and review it every six months."
TESTING = "Test each model against misuse scenarios before any release to the public."
REPORTS = "Publish transparency reports on capabilities, limitations and domains of use."
PLAIN = "Write the reports in plain language that a non-specialist can follow."
ACCESS = "Limit access to unreleased model weights to the staff who need it."


def doc(*sections: tuple[str, list[str]]) -> list[SectionText]:
    """Sections ``(heading, lines)`` numbered as the portal numbers them (headings are lines)."""
    result, number = [], 0
    for position, (heading, lines) in enumerate(sections, start=1):
        numbered = []
        for text in [f"{position}. {heading}", *lines]:
            number += 1
            numbered.append((number, text))
        result.append(SectionText(f"action-{position}", numbered[0][1], numbered))
    return result


OLD = doc(("Risks", [RISKS, TESTING]), ("Reporting", [REPORTS, PLAIN]), ("Security", [ACCESS]))


def anchor(number: int, text: str, key: str = "action-1", **quote: str) -> OldAnchor:
    return OldAnchor(key, number, number, (text,), **quote)


def test_an_unchanged_line_is_kept_on_the_same_number():
    result = Reanchorer(OLD, OLD).reanchor(anchor(2, RISKS))
    assert (result.outcome, result.line_start, result.line_end) == ("kept", 2, 2)
    assert not result.needs_review


def test_a_section_inserted_before_renumbers_the_lines_and_the_key_follows():
    new = doc(("Scope", ["Apply the code to contractors."]), *_old_parts())
    result = Reanchorer(OLD, new).reanchor(anchor(5, REPORTS, "action-2"))
    assert (result.outcome, result.line_start, result.section_key) == ("kept", 7, "action-3")


def test_a_heading_renumbered_from_6_to_7_is_still_the_same_heading():
    new = doc(("Scope", ["Apply the code to contractors."]), *_old_parts())
    result = Reanchorer(OLD, new).reanchor(anchor(4, "2. Reporting", "action-2"))
    assert (result.outcome, result.line_start) == ("kept", 6)


def test_a_line_moved_to_another_section_is_kept_there():
    new = doc(("Risks", [RISKS]), ("Reporting", [REPORTS, PLAIN]), ("Security", [ACCESS, TESTING]))
    result = Reanchorer(OLD, new).reanchor(anchor(3, TESTING))
    assert (result.outcome, result.line_start, result.section_key) == ("kept", 8, "action-3")


def test_a_line_split_in_two_is_kept_on_both():
    first, second = "Keep a register of identified risks", "and review it every six months."
    new = doc(("Risks", [first, second, TESTING]), *_old_parts()[1:])
    result = Reanchorer(OLD, new).reanchor(anchor(2, RISKS))
    assert (result.outcome, result.line_start, result.line_end) == ("kept", 2, 3)


def test_two_lines_merged_keep_both_comments_on_the_merged_line():
    merged = f"{REPORTS[:-1]}; {PLAIN[0].lower()}{PLAIN[1:]}"
    new = doc(_old_parts()[0], ("Reporting", [merged]), _old_parts()[2])
    reanchorer = Reanchorer(OLD, new)
    for number, text in ((5, REPORTS), (6, PLAIN)):
        result = reanchorer.reanchor(anchor(number, text, "action-2"))
        assert (result.outcome, result.line_start) == ("kept", 5), text


def test_a_reworded_line_is_changed_and_waits_for_review_with_its_candidate():
    reworded = "Keep a public register of identified risks and review it every year."
    new = doc(("Risks", [reworded, TESTING]), *_old_parts()[1:])
    result = Reanchorer(OLD, new).reanchor(anchor(2, RISKS))
    assert result.outcome == "changed"
    assert result.needs_review and result.score < REVIEW_BELOW
    assert (result.line_start, result.candidates[0].line_start) == (2, 2)


def test_one_number_changed_in_a_line_is_still_reviewed():
    reworded = RISKS.replace("six", "twelve")
    new = doc(("Risks", [reworded, TESTING]), *_old_parts()[1:])
    result = Reanchorer(OLD, new).reanchor(anchor(2, RISKS))
    assert result.outcome == "changed" and result.needs_review


def test_a_deleted_line_is_removed():
    new = doc(("Risks", [RISKS]), *_old_parts()[1:])
    result = Reanchorer(OLD, new).reanchor(anchor(3, TESTING))
    assert result.outcome == "removed"
    assert result.line_start is None


def test_a_quote_that_survives_a_rewording_is_kept_at_its_new_offset():
    reworded = "Keep a public register of identified risks and review it every year."
    new = doc(("Risks", [reworded, TESTING]), *_old_parts()[1:])
    quote = {"quote_exact": "identified risks", "quote_prefix": "register of "}
    result = Reanchorer(OLD, new).reanchor(anchor(2, RISKS, **quote))
    assert (result.outcome, result.line_start) == ("kept", 2)
    assert result.quote_start == reworded.index("identified risks")


def test_a_quote_on_rewritten_words_is_changed_and_reviewed():
    reworded = "Keep a public register of identified risks and review it every year."
    new = doc(("Risks", [reworded, TESTING]), *_old_parts()[1:])
    quote = {"quote_exact": "every six months", "quote_prefix": "review it "}
    result = Reanchorer(OLD, new).reanchor(anchor(2, RISKS, **quote))
    assert result.outcome == "changed" and result.needs_review


def test_a_quote_is_found_between_its_prefix_and_suffix():
    line = "Report risks to users and report risks to authorities."
    old = doc(("Risks", [line]))
    new = doc(("Scope", ["Apply the code."]), ("Risks", [line]))
    quote = {"quote_exact": "report risks", "quote_prefix": "and ", "quote_suffix": " to auth"}
    result = Reanchorer(old, new).reanchor(anchor(2, line, **quote))
    assert (result.outcome, result.line_start, result.quote_start) == ("kept", 4, 26)


def test_a_sentence_copied_into_two_sections_is_reviewed_not_given_to_either_copy():
    new = doc(
        ("Risks", [RISKS]),
        ("Reporting", [REPORTS, TESTING, PLAIN]),
        ("Security", [ACCESS, TESTING]),
    )
    result = Reanchorer(OLD, new).reanchor(anchor(3, TESTING))
    assert result.outcome == "changed" and result.needs_review
    assert {c.line_start for c in result.candidates} >= {5, 9}


def test_a_rewritten_line_is_not_pulled_onto_an_identical_line_that_has_its_own_counterpart():
    old = doc(("Risks", [RISKS, TESTING]), ("Security", [ACCESS, TESTING]))
    reworded = "Test each model against misuse scenarios every quarter."
    new = doc(("Risks", [RISKS, reworded]), ("Security", [ACCESS, TESTING]))
    result = Reanchorer(old, new).reanchor(anchor(3, TESTING))
    assert result.outcome == "changed" and result.needs_review
    assert result.line_start == 3


def _old_parts() -> list[tuple[str, list[str]]]:
    return [("Risks", [RISKS, TESTING]), ("Reporting", [REPORTS, PLAIN]), ("Security", [ACCESS])]


# --- Properties over random revisions -----------------------------------------------------

WORDS = [f"w{i}" for i in range(60)]
line_text = st.lists(st.sampled_from(WORDS), min_size=4, max_size=12).map(" ".join)


@st.composite
def revisions(draw):
    """A text of distinct lines in sections and a revision of it: lines deleted, reworded (one
    word replaced by a new one), inserted, and moved; returns both and each old line's fate."""
    lines = draw(st.lists(line_text, min_size=3, max_size=25, unique_by=match_key))
    fates: dict[str, str] = {}
    new_lines: list[str] = []
    for index, text in enumerate(lines):
        action = draw(st.sampled_from(["keep", "keep", "keep", "delete", "reword", "insert"]))
        if action == "delete":
            fates[text] = "deleted"
            continue
        if action == "reword":
            words = text.split()
            position = draw(st.integers(0, len(words) - 1))
            words[position] = f"new{index}"
            new_lines.append(" ".join(words))
            fates[text] = "reworded"
            continue
        fates[text] = "kept"
        new_lines.append(text)
        if action == "insert":
            new_lines.append(f"inserted{index} " + draw(line_text))
    if draw(st.booleans()) and len(new_lines) > 2:
        moved = new_lines.pop(draw(st.integers(0, len(new_lines) - 1)))
        new_lines.insert(draw(st.integers(0, len(new_lines))), moved)
    size = draw(st.integers(2, 6))
    return _chunk(lines, size), _chunk(new_lines, draw(st.integers(2, 6))), fates


def _chunk(lines: list[str], size: int) -> list[SectionText]:
    parts = [lines[i : i + size] for i in range(0, len(lines), size)] or [[]]
    return doc(*[(f"Section {i}", part) for i, part in enumerate(parts, start=1)])


def _anchors(old: list[SectionText]):
    for section in old:
        for number, text in section.lines[1:]:
            yield anchor(number, text, section.key)


@settings(max_examples=150, deadline=None)
@given(revisions())
def test_kept_lines_are_always_found_on_their_words(revision):
    old, new, fates = revision
    new_text = {number: text for s in new for number, text in s.lines}
    reanchorer = Reanchorer(old, new)
    for item in _anchors(old):
        result = reanchorer.reanchor(item)
        if fates[item.lines[0]] == "kept":
            assert result.outcome == "kept", item
            assert new_text[result.line_start] == item.lines[0]


@settings(max_examples=150, deadline=None)
@given(revisions())
def test_a_comment_never_lands_silently_on_text_that_says_something_else(revision):
    old, new, _fates = revision
    new_text = {number: text for s in new for number, text in s.lines}
    reanchorer = Reanchorer(old, new)
    for item in _anchors(old):
        result = reanchorer.reanchor(item)
        silent = result.outcome == "kept" or (
            result.outcome == "changed" and not result.needs_review
        )
        if silent:
            assert result.line_start is not None and result.line_end is not None
            landed = " ".join(new_text[n] for n in range(result.line_start, result.line_end + 1))
            assert match_key(item.lines[0]) in match_key(landed), (item, landed)


@settings(max_examples=100, deadline=None)
@given(revisions(), st.data())
def test_a_quote_on_kept_text_is_kept_at_an_offset_holding_its_exact_words(revision, data):
    old, new, fates = revision
    new_text = {number: text for s in new for number, text in s.lines}
    reanchorer = Reanchorer(old, new)
    for item in _anchors(old):
        text = item.lines[0]
        start = data.draw(st.integers(0, len(text) - 2))
        end = data.draw(st.integers(start + 1, min(len(text), start + 30)))
        quote = {
            "quote_exact": text[start:end],
            "quote_prefix": text[max(0, start - 10) : start],
            "quote_suffix": text[end : end + 10],
        }
        result = reanchorer.reanchor(dataclasses.replace(item, **quote))
        if fates[text] == "kept":
            assert result.outcome == "kept"
        if result.outcome == "kept":
            assert result.quote_start is not None and result.line_start is not None
            landed = new_text[result.line_start]
            assert landed[result.quote_start : result.quote_start + end - start] == text[start:end]
