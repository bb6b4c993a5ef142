"""Which comments a list shows: :class:`CommentFilters`, read from a page's or the API's query
string in one place (each value checked, with a message naming a bad one)."""

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from datetime import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .search import SORTS

MAX_LINE = 2**31 - 1  # the largest line number a filter may name (the column's range)
_WHOLE = re.compile(r"[+-]?[0-9]{1,12}")


class FilterError(ValueError):
    """Query parameters that do not read as the filters they name; ``errors`` says why, by
    parameter."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True, slots=True)
class CommentFilters:
    """Which of a version's comments a list shows; a blank field does not filter.

    ``line`` keeps the comments whose lines include it; ``line_from`` those that reach it or
    later, ``line_to`` those that start at it or earlier; ``disposition`` is an outcome or
    ``open`` (not yet answered); ``organisation`` a slug; ``changed_since`` keeps the comments
    changed at or after it; ``q`` keeps those whose body, proposed text or attachments' text
    match the words (full-text search on PostgreSQL); ``sort`` is ``line`` (the default),
    ``date`` (newest first) or ``endorsements`` (most first).
    """

    section: str = ""
    kind: str = ""
    stance: str = ""
    stakeholder_type: str = ""
    country: str = ""
    state: str = ""
    visibility: str = ""
    disposition: str = ""
    organisation: str = ""
    line: int | None = None
    line_from: int | None = None
    line_to: int | None = None
    changed_since: datetime | None = None
    q: str = ""
    sort: str = ""

    @property
    def is_unfiltered(self) -> bool:
        """Whether every comment is listed (in whatever order)."""
        return all(
            getattr(self, field.name) in ("", None)
            for field in fields(self)
            if field.name != "sort"
        )

    @classmethod
    def from_query(
        cls, params: Mapping[str, str], *, names: Collection[str], strict: bool = True
    ) -> "CommentFilters":
        """The filters ``names`` as the query string ``params`` sets them (others are left
        out). A number or a date that does not read raises :class:`FilterError` naming the
        parameter, or with ``strict=False`` (links on the pages) is left out."""
        values: dict[str, object] = {}
        errors: dict[str, list[str]] = {}
        for field in fields(cls):
            text = (params.get(field.name) or "").strip()
            if field.name not in names or not text:
                continue
            try:
                values[field.name] = _READERS.get(field.name, str)(text)
            except ValueError as error:
                errors[field.name] = [str(error)]
        if errors and strict:
            raise FilterError(errors)
        return cls(**values)  # type: ignore[arg-type]


def _line_number(text: str) -> int:
    if _WHOLE.fullmatch(text) is None or not -MAX_LINE <= int(text) <= MAX_LINE:
        raise ValueError(_("Give a whole number."))
    return int(text)


def _moment(text: str) -> datetime:
    try:
        moment = parse_datetime(text)
    except ValueError:  # the shape of a date, but no such date (month 13)
        moment = None
    if moment is None:
        raise ValueError(_("Give an ISO 8601 date and time."))
    return moment


def _sort(text: str) -> str:
    if text not in SORTS:
        raise ValueError(_("Sort by one of: %(sorts)s.") % {"sorts": ", ".join(SORTS)})
    return text


def _words(text: str) -> str:
    if len(text) > 200:
        raise ValueError(_("Search for at most 200 characters."))
    return text


_READERS = {
    "line": _line_number,
    "line_from": _line_number,
    "line_to": _line_number,
    "changed_since": _moment,
    "sort": _sort,
    "q": _words,
}
