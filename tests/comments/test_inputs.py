"""The one reader of a raw comment item (a JSON object, a CSV row, the page's form data): it
makes a CommentInput of anything shaped like a comment, whatever the values mean, and names
every field that is not of its type; it never raises and never judges (the service does)."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comments.anchoring import Quote
from comments.inputs import (
    FLAT_COLUMNS,
    CommentInput,
    UnreadableItem,
    item_from_flat,
    read_comment_item,
)

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
texts = st.text(max_size=30)
whole = st.integers(min_value=-(10**12), max_value=10**12)
quotes = st.builds(Quote, texts, texts, texts, st.none() | whole, texts.map(str.strip))
inputs = st.builds(
    CommentInput,
    line_start=whole,
    line_end=whole,
    body=texts,
    kind=texts,
    stance=texts,
    proposed_text=texts,
    visibility=texts,
    language=texts.map(str.strip),
    quote=st.none() | quotes,
    organisation=texts.map(str.strip),
    external_id=texts.map(str.strip),
)


def as_json(item: CommentInput) -> dict[str, Any]:
    """``item`` as an API client sends it."""
    raw: dict[str, Any] = {
        "line_start": item.line_start,
        "line_end": item.line_end,
        "body": item.body,
        "kind": item.kind,
        "stance": item.stance,
        "proposed_text": item.proposed_text,
        "visibility": item.visibility,
        "language": item.language,
        "organisation": item.organisation,
        "external_id": item.external_id,
    }
    if item.quote is not None:
        raw["quote"] = {
            "exact": item.quote.exact,
            "prefix": item.quote.prefix,
            "suffix": item.quote.suffix,
            "start": item.quote.start,
            "language": item.quote.language,
        }
    return raw


def as_row(item: CommentInput) -> dict[str, str]:
    """``item`` as a CSV row or the form posts it: every value a text, the quote flat."""
    quote = item.quote or Quote("")
    values = {
        **{name: str(value) for name, value in as_json(item).items() if name != "quote"},
        "quote_exact": quote.exact,
        "quote_prefix": quote.prefix,
        "quote_suffix": quote.suffix,
        "quote_start": "" if quote.start is None else str(quote.start),
        "quote_language": quote.language,
    }
    assert set(values) == set(FLAT_COLUMNS)
    return values


@given(item=inputs)
def test_an_item_of_the_right_types_is_read_as_sent_whatever_its_values(item):
    assert read_comment_item(as_json(item)) == item


@given(item=inputs)
def test_a_csv_row_or_form_data_is_read_as_the_same_item_sent_as_json(item):
    expected = item
    if item.quote is not None and not item.quote.exact:
        expected = CommentInput(**{**_fields(item), "quote": None})  # an empty cell: no quote
    # An empty cell takes the default (an empty language is detected at filing).
    for name, default in (("kind", "general"), ("visibility", "public")):
        if getattr(item, name) == "":
            expected = CommentInput(**{**_fields(expected), name: default})
    assert read_comment_item(item_from_flat(as_row(item))) == expected


def _fields(item: CommentInput) -> dict[str, Any]:
    return {name: getattr(item, name) for name in CommentInput.__slots__}


@given(raw=json_values)
def test_any_json_value_is_read_or_answered_with_field_errors_never_an_exception(raw):
    read = read_comment_item(raw)
    assert isinstance(read, CommentInput | UnreadableItem)
    if isinstance(read, UnreadableItem):
        assert read.errors
        assert all(messages and all(messages) for messages in read.errors.values())


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("line_start", "four", "A valid integer is required."),
        ("line_start", 4.5, "A valid integer is required."),
        ("line_start", True, "A valid integer is required."),
        ("line_start", None, "This field may not be null."),
        ("line_end", [4], "A valid integer is required."),
        ("body", {"text": "x"}, "Not a valid string."),
        ("body", None, "This field may not be null."),
        ("kind", ["general"], "Not a valid string."),
        ("external_id", False, "Not a valid string."),
        ("organisation", 7.5, None),  # a number written out: a slug no organisation has
        ("quote", "organisations", "Invalid data. Expected a dictionary, but got str."),
    ],
)
def test_a_field_of_the_wrong_type_is_named_with_why(field, value, message):
    read = read_comment_item({"line_start": 4, "body": "Fine.", field: value})
    if message is None:
        assert isinstance(read, CommentInput)
        return
    assert read == UnreadableItem({field: [message]})


def test_every_field_in_error_is_named_at_once():
    read = read_comment_item({"line_end": "x", "quote": {"start": "y"}, "stance": []})
    assert read == UnreadableItem(
        {
            "line_start": ["This field is required."],
            "line_end": ["A valid integer is required."],
            "quote.exact": ["This field is required."],
            "quote.start": ["A valid integer is required."],
            "stance": ["Not a valid string."],
            "body": ["This field is required."],
        }
    )


@pytest.mark.parametrize("raw", [[{"line_start": 4}], "comment", 4, None])
def test_an_item_that_is_not_an_object_is_refused_whole(raw):
    read = read_comment_item(raw)
    assert isinstance(read, UnreadableItem)
    assert list(read.errors) == ["non_field_errors"]


def test_numbers_written_as_text_are_numbers_and_identifiers_lose_surrounding_spaces():
    read = read_comment_item(
        {
            "line_start": " 4 ",
            "line_end": "5.0",
            "body": "  Kept as typed.  ",
            "external_id": " row-7\t",
            "organisation": " kumo-ai ",
            "quote": {"exact": " words ", "start": "3"},
        }
    )
    assert read == CommentInput(
        line_start=4,
        line_end=5,
        body="  Kept as typed.  ",
        external_id="row-7",
        organisation="kumo-ai",
        quote=Quote(" words ", start=3),
    )


def test_an_empty_body_cell_reaches_the_service_and_other_empty_cells_take_defaults():
    row = dict.fromkeys(FLAT_COLUMNS, "") | {"line_start": "4"}
    assert read_comment_item(item_from_flat(row)) == CommentInput(line_start=4, line_end=4, body="")
    del row["body"]
    assert read_comment_item(item_from_flat(row)) == UnreadableItem(
        {"body": ["This field is required."]}
    )
