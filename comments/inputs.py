"""What a comment submission carries, and the one reader that makes it from a raw item.

A comment comes in as a JSON object (the API, one or many, and each line of a JSON Lines
file), a CSV row or the page's form data. :func:`read_comment_item` turns any of them into a
:class:`CommentInput`, or into the field errors of an item that is not a comment's shape (a
field missing, a number that is not one, text that is not text). It only coerces types: every
rule (lengths, choices, characters, anchors, the right to file for an organisation) is checked
once, by the service (:mod:`comments.services.rules`), so a mistake gets the same message
through every channel.

Plain data and pure functions, no workflow, so the services, the API, the form and the
bulk-file reader can all share them.
"""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

# DRF's own messages, translated by DRF's catalogues (the API reads items as DRF would).
from django.utils.translation import gettext as drf_message

from .anchoring import Quote
from .models import Comment

MAX_BODY_LENGTH = 20_000
MAX_REPLY_LENGTH = 10_000
NON_FIELD = "non_field_errors"
MAX_EXTERNAL_ID_LENGTH = 100
MAX_LANGUAGE_LENGTH = 12

FieldErrors = dict[str, list[str]]

# The flat layout of a CSV row and of the form: the quote's parts are columns of their own.
FLAT_COLUMNS = (
    "external_id",
    "line_start",
    "line_end",
    "quote_exact",
    "quote_prefix",
    "quote_suffix",
    "quote_start",
    "quote_language",
    "kind",
    "stance",
    "body",
    "proposed_text",
    "visibility",
    "language",
    "organisation",
)
FLAT_QUOTE = {
    "quote_exact": "exact",
    "quote_prefix": "prefix",
    "quote_suffix": "suffix",
    "quote_start": "start",
    "quote_language": "language",
}


@dataclass(frozen=True, slots=True)
class CommentInput:
    """What a stakeholder submits, from a form, the API or one row of a bulk file.

    ``organisation`` is the slug of the organisation the comment is filed for; empty, the
    author files as themself. ``language`` empty: detected from the body at filing.
    """

    line_start: int
    line_end: int
    body: str
    kind: str = Comment.Kind.GENERAL
    stance: str = ""
    proposed_text: str = ""
    visibility: str = Comment.Visibility.PUBLIC
    language: str = ""
    quote: Quote | None = None
    organisation: str = ""
    external_id: str = ""


@dataclass(frozen=True, slots=True)
class UnreadableItem:
    """An item that is not a comment's shape: why, by field (``quote.exact`` for a part of
    the quote, ``non_field_errors`` for the item as a whole)."""

    errors: FieldErrors


REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
NOT_TEXT = "Not a valid string."
NOT_INTEGER = "A valid integer is required."
_INTEGER = re.compile(r"\s*[+-]?\d+(?:\.0*)?\s*")
_MAX_INTEGER_TEXT = 1000


class _Unreadable(ValueError):
    pass


def _text(value: Any, *, strip: bool = False) -> str:
    """Text as sent (numbers written out, as JSON clients expect); one-line identifiers
    without surrounding spaces."""
    if isinstance(value, str):
        return value.strip() if strip else value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _Unreadable(drf_message(NOT_TEXT))


def _integer(value: Any) -> int:
    """A whole number, from a JSON number or a text of digits (``4``, ``"4"``, ``4.0``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if (
        isinstance(value, str)
        and len(value) <= _MAX_INTEGER_TEXT
        and _INTEGER.fullmatch(value) is not None
    ):
        try:
            return int(value.strip().split(".", 1)[0])
        except ValueError:  # more digits than int() reads
            pass
    raise _Unreadable(drf_message(NOT_INTEGER))


def _get(
    raw: Mapping[str, Any],
    name: str,
    read: Any,
    errors: FieldErrors,
    *,
    default: Any = None,
    required: bool = False,
    nullable: bool = False,
    prefix: str = "",
) -> Any:
    if name not in raw:
        if required:
            errors[prefix + name] = [drf_message(REQUIRED)]
        return default
    value = raw[name]
    if value is None:
        if not nullable:
            errors[prefix + name] = [drf_message(NOT_NULL)]
        return default
    try:
        return read(value)
    except _Unreadable as error:
        errors[prefix + name] = [str(error)]
        return default


def _one_line(value: Any) -> str:
    return _text(value, strip=True)


def _quote(raw: Any, errors: FieldErrors) -> Quote | None:
    if not isinstance(raw, Mapping):
        errors["quote"] = [f"Invalid data. Expected a dictionary, but got {type(raw).__name__}."]
        return None
    found: FieldErrors = {}
    exact = _get(raw, "exact", _text, found, default="", required=True, prefix="quote.")
    prefix = _get(raw, "prefix", _text, found, default="", prefix="quote.")
    suffix = _get(raw, "suffix", _text, found, default="", prefix="quote.")
    start = _get(raw, "start", _integer, found, nullable=True, prefix="quote.")
    language = _get(raw, "language", _one_line, found, default="", nullable=True, prefix="quote.")
    errors.update(found)
    return None if found else Quote(exact, prefix, suffix, start, language)


def read_comment_item(raw: Any) -> CommentInput | UnreadableItem:
    """One raw item (a JSON object, or a CSV row or form data through
    :func:`item_from_flat`) as the service's input, or why it is not a comment's shape.

    Types only: ``line_start`` and ``body`` must be there, numbers must be whole numbers, text
    must be text, ``quote`` an object with its ``exact`` text. Fields left out take their
    defaults (``line_end`` is ``line_start``); fields this reader does not know are ignored.
    """
    if not isinstance(raw, Mapping):
        return UnreadableItem(
            {NON_FIELD: [f"Invalid data. Expected a dictionary, but got {type(raw).__name__}."]}
        )
    errors: FieldErrors = {}
    line_start = _get(raw, "line_start", _integer, errors, required=True)
    line_end = _get(raw, "line_end", _integer, errors, nullable=True)
    quote_raw = raw.get("quote")
    quote = _quote(quote_raw, errors) if quote_raw is not None else None
    fields = {
        name: _get(raw, name, read, errors, default=default)
        for name, read, default in (
            ("external_id", _one_line, ""),
            ("kind", _text, Comment.Kind.GENERAL),
            ("stance", _text, ""),
            ("proposed_text", _text, ""),
            ("visibility", _text, Comment.Visibility.PUBLIC),
            ("language", _one_line, ""),
        )
    }
    body = _get(raw, "body", _text, errors, default="", required=True)
    organisation = _get(raw, "organisation", _one_line, errors, default="", nullable=True)
    if errors:
        return UnreadableItem(errors)
    return CommentInput(
        line_start=line_start,
        line_end=line_start if line_end is None else line_end,
        body=body,
        quote=quote,
        organisation=organisation,
        **fields,
    )


def item_from_flat(row: Mapping[str, Any]) -> dict[str, Any]:
    """A CSV row or the form's data in the shape :func:`read_comment_item` reads: an empty
    cell is a field left out (it takes its default), except the body, whose emptiness the
    service names; the ``quote_*`` columns become the quote, if ``quote_exact`` holds one.
    Other columns are left out."""
    item: dict[str, Any] = {}
    for name in FLAT_COLUMNS:
        value = row.get(name)
        if name not in FLAT_QUOTE and value is not None and (value != "" or name == "body"):
            item[name] = value
    quote = {
        part: row[column]
        for column, part in FLAT_QUOTE.items()
        if row.get(column) not in ("", None)
    }
    if "exact" in quote:
        item["quote"] = quote
    return item


PAPERS = "attachments"


def read_paper_ids(raw: Any) -> tuple[str, ...] | UnreadableItem:
    """The paper uploads an API item names in ``attachments`` (ids as texts, each read as a
    UUID where it is one, so case and braces do not matter), or why they cannot be read."""
    value = raw.get(PAPERS) if isinstance(raw, Mapping) else None
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        return UnreadableItem(
            {PAPERS: [_("Give the ids of your paper uploads as a list of texts.")]}
        )
    ids = []
    for key in value:
        try:
            ids.append(str(uuid.UUID(key.strip())))
        except ValueError:
            ids.append(key.strip()[:MAX_EXTERNAL_ID_LENGTH])
    return tuple(ids)


def read_items_with_papers(
    raws: list[Any],
) -> tuple[list[CommentInput | UnreadableItem], dict[int, tuple[str, ...]]]:
    """Each raw API item read as a comment, and the paper uploads each names, by index."""
    items: list[CommentInput | UnreadableItem] = []
    papers: dict[int, tuple[str, ...]] = {}
    for index, raw in enumerate(raws):
        item = read_comment_item(raw)
        ids = read_paper_ids(raw)
        if isinstance(ids, UnreadableItem):
            item = UnreadableItem(
                {**(item.errors if isinstance(item, UnreadableItem) else {}), **ids.errors}
            )
        elif ids:
            papers[index] = ids
        items.append(item)
    return items, papers


def filed_for(item: object) -> str:
    """Whom a raw item is filed for, as the comment limits count it: its organisation's slug
    as given (trimmed, in lower case), or ``""`` for the person filing, as an individual (or
    when the item is not a comment's shape). Not checked: the service checks the right to
    file for it."""
    if isinstance(item, Mapping):
        organisation = item.get("organisation")
        if isinstance(organisation, str):
            return organisation.strip().lower()
    return ""
