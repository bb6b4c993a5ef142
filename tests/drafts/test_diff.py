from drafts.diff import SectionText, Segment, compare_sections, word_diff


def test_word_diff_marks_only_the_changed_words():
    old, new = word_diff("publish reports yearly", "publish transparency reports each quarter")
    assert old == (Segment("equal", "publish reports "), Segment("delete", "yearly"))
    assert new == (
        Segment("equal", "publish"),
        Segment("insert", " transparency"),
        Segment("equal", " reports "),
        Segment("insert", "each quarter"),
    )


def _section(key, lines, start=1):
    return SectionText(key, key.title(), list(enumerate(lines, start=start)))


def test_sections_are_matched_by_key_and_classified():
    old = [
        _section("preamble", ["Title"]),
        _section("action-1", ["a", "b", "c"], start=2),
        _section("action-2", ["gone"], start=5),
        _section("action-3", ["same"], start=6),
    ]
    new = [
        _section("preamble", ["Title"]),
        _section("action-1", ["a", "B changed", "c", "d"], start=2),
        _section("action-3", ["same"], start=6),
        _section("action-4", ["new"], start=7),
    ]
    result = compare_sections(old, new)
    assert [(s.key, s.status) for s in result] == [
        ("preamble", "unchanged"),
        ("action-1", "changed"),
        ("action-2", "removed"),
        ("action-3", "unchanged"),
        ("action-4", "added"),
    ]
    action_1 = result[1]
    assert [row.kind for row in action_1.rows] == ["equal", "change", "equal", "insert"]
    assert (action_1.changed, action_1.inserted, action_1.deleted) == (1, 1, 0)
    change = action_1.rows[1]
    assert (change.old_number, change.new_number) == (3, 3)
    assert result[2].deleted == 1


def test_lines_that_only_moved_leave_a_section_unchanged():
    old = [_section("action-1", ["x", "y"], start=3)]
    new = [_section("action-1", ["x", "y"], start=10)]
    (section,) = compare_sections(old, new)
    assert section.status == "unchanged"
    assert [(row.old_number, row.new_number) for row in section.rows] == [(3, 10), (4, 11)]
