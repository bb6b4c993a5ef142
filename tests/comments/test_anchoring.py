import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comments.anchoring import (
    AnchorError,
    Quote,
    check_line_range,
    content_hash,
    locate_quote,
    normalise,
)

LINE = "Publish transparency reports, and publish them yearly."


def test_a_quote_is_found_at_its_place():
    assert locate_quote(LINE, Quote("transparency reports"), where="line 4") == 8


def test_prefix_and_suffix_choose_between_repeated_words():
    assert locate_quote(LINE, Quote("ublish", prefix="p", suffix=" them"), where="x") == 35
    assert locate_quote(LINE, Quote("ublish", prefix="P"), where="x") == 1


@pytest.mark.parametrize(
    ("quote", "message", "field"),
    [
        (Quote("quarterly"), "does not appear in line 4", "quote_exact"),
        (Quote("ublish"), "appears 2 times in line 4", "quote_prefix"),
        (Quote("reports", prefix="annual "), "not between the given prefix", "quote_prefix"),
        (Quote("reports", start=3), "not at character 3 of line 4", "quote_exact"),
        (Quote("   "), "The quote is empty", "quote_exact"),
        (Quote("x" * 2001), "the limit is 2,000", "quote_exact"),
    ],
)
def test_a_quote_that_does_not_match_is_refused_with_its_reason(quote, message, field):
    with pytest.raises(AnchorError, match=re.escape(message)) as error:
        locate_quote(LINE, quote, where="line 4")
    assert error.value.field == field


def test_a_matching_start_offset_is_accepted():
    assert locate_quote(LINE, Quote("reports", start=21), where="x") == 21


@pytest.mark.parametrize(
    ("start", "end", "message", "field"),
    [
        (0, 1, "Line 0 is outside this version, which has lines 1–32", "line_start"),
        (33, 33, "Line 33 is outside", "line_start"),
        (5, 40, "Line 40 is outside", "line_end"),
        (5, 4, "ends (line 4) before it starts (line 5)", "line_end"),
    ],
)
def test_line_ranges_outside_the_version_are_refused(start, end, message, field):
    with pytest.raises(AnchorError, match=re.escape(message)) as error:
        check_line_range(start, end, 32)
    assert error.value.field == field
    check_line_range(1, 32, 32)


def test_copies_differing_in_case_spacing_and_punctuation_hash_alike():
    original = "We support Action 3: publish the reports yearly!"
    copy = "  we SUPPORT action 3 — publish the reports, yearly "
    assert normalise(original) == normalise(copy)
    assert content_hash(original) == content_hash(copy)
    assert content_hash(original) != content_hash("We oppose Action 3")
    assert content_hash(original, "new text") != content_hash(original)


WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.one_of(
            st.characters(), st.sampled_from(WHITESPACE), st.sampled_from(".,;:!?'’-—")
        )
    )
)
def test_normalising_folds_whitespace_as_one_substitution_per_run_would(text):
    # What content hashes stored so far were made of: punctuation to spaces, then every run
    # of whitespace (any Unicode space) to one space, trimmed.
    folded = unicodedata.normalize("NFKC", text).casefold()
    spaced = re.sub(r"[^\w\s]", " ", folded)
    assert normalise(text) == re.sub(r"\s+", " ", spaced).strip()
