"""Open data: a version's public comments, with the secretariat's dispositions, as CSV or JSON
streamed one comment at a time."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from .matrix import csv_lines


@dataclass(frozen=True, slots=True)
class OpenComment:
    """One public comment as open data (``disposition`` and ``response`` empty while open)."""

    reference: str
    section_key: str
    section_heading: str
    line_start: int
    line_end: int
    kind: str
    stance: str
    body: str
    proposed_text: str
    organisation: str
    stakeholder_type: str
    country: str
    submitted_at: datetime
    disposition: str
    response: str


OPEN_DATA_FIELDS = tuple(field.name for field in fields(OpenComment))


def _record(row: OpenComment) -> dict[str, Any]:
    record = {name: getattr(row, name) for name in OPEN_DATA_FIELDS}
    record["submitted_at"] = row.submitted_at.isoformat()
    return record


def opendata_csv(rows: Iterable[OpenComment]) -> Iterator[str]:
    """The comments as CSV lines (header of field names first, cells neutralised), each row
    read only when its line is asked for."""
    return csv_lines(
        OPEN_DATA_FIELDS, ([str(value) for value in _record(row).values()] for row in rows)
    )


def _plain(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def opendata_json(rows: Iterable[OpenComment], *, meta: Mapping[str, Any]) -> Iterator[str]:
    """``{"meta": {...}, "comments": [...]}`` as JSON text in chunks, one comment per chunk:
    the whole list is never held."""
    head = json.dumps(dict(meta), ensure_ascii=False, sort_keys=True, default=_plain)
    yield f'{{"meta": {head}, "comments": ['
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(_record(row), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"
