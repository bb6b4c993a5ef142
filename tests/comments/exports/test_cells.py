"""The spreadsheet guard, for any text: no neutralised cell reads as a formula, even once a
spreadsheet has dropped the spaces, control and invisible characters before it; text that
could not be read as one is left exactly as it is."""

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from comments.exports.cells import neutralise

FORMULA = ("=", "+", "-", "@")


def _skipped(character: str) -> bool:
    """What a spreadsheet may drop before it looks for a formula: any space, any control
    character, any invisible format character."""
    return character.isspace() or unicodedata.category(character) in ("Cc", "Cf")


def _as_read(cell: str) -> str:
    """The cell as a spreadsheet that drops leading skipped characters reads it."""
    index = 0
    while index < len(cell) and _skipped(cell[index]):
        index += 1
    return cell[index:]


skipped = st.sampled_from(
    ["\x00", "\x01", "\x1f", "\x7f", "\x85", " ", "\t", "\r", "\n", "\u00a0", "\u3000",
     "\u200b", "\u200e", "\u202e", "\u2060", "\ufeff"]
)  # fmt: skip
crafted = st.tuples(st.lists(skipped, max_size=4).map("".join), st.sampled_from(FORMULA), st.text())
crafted_text = crafted.map("".join)


@given(value=st.text() | crafted_text)
@example(value='\x01=HYPERLINK("http://evil.example","click")')
@example(value=" =1+1")
@example(value="\u200b@SUM(A1)")
@example(value="\t\t")
def test_no_neutralised_cell_reads_as_a_formula(value):
    cell = neutralise(value)
    assert cell in (value, "'" + value)  # nothing is lost: at most an apostrophe is added
    assert not cell.startswith(("\t", "\r"))
    assert not _as_read(cell).startswith(FORMULA)


@given(value=crafted_text)
def test_a_formula_behind_skipped_characters_is_guarded(value):
    assert neutralise(value) == "'" + value


@given(value=st.text())
@example(value="Plain text = fine")
@example(value="  indented, then words")
@example(value="")
def test_a_harmless_string_is_unchanged(value):
    harmless = not value.startswith((*FORMULA, "\t", "\r")) and not _as_read(value).startswith(
        FORMULA
    )
    assert (neutralise(value) == value) == harmless
