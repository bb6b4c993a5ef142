"""The writers of a version's comments on small hand-made rows: the comment-resolution
matrix (CSV, Excel, Word) and the open data (CSV, JSON) open in their own parsers, stream
without holding their rows, and defuse what a spreadsheet would evaluate."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from comments.exports import (
    MATRIX_HEADERS,
    OPEN_DATA_FIELDS,
    MatrixRow,
    OpenComment,
    matrix_csv,
    matrix_headers,
    neutralise,
    opendata_csv,
    opendata_json,
    write_matrix_docx,
    write_matrix_xlsx,
)

FORMULA = '=HYPERLINK("http://evil.example","click")'
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Plain = text", "Plain = text"),
        ("", ""),
        ("12–14", "12–14"),
    ],
)
def test_neutralise_prefixes_what_a_spreadsheet_would_evaluate(value: str, expected: str) -> None:
    assert neutralise(value) == expected


# --- The comment-resolution matrix -----------------------------------------------------


def _row(number: int, **changes: Any) -> MatrixRow:
    values: dict[str, Any] = {
        "reference": f"HAIP-V1-{number:06d}",
        "organisation": "Kumo AI",
        "stakeholder_type": "company",
        "country": "JP",
        "line_start": 12,
        "line_end": 14 if number % 2 else 12,
        "clause": "action-3",
        "clause_title": "Action 3: Transparency",
        "paragraph": "publish reports",
        "comment_type": "te",
        "comment": f"Comment number {number}.\nSecond line, with a comma.",
        "proposed_change": "Publish annually.",
        "observations": "Accepted: agreed" if number % 3 == 0 else "",
        "confidential": False,
        "submitted_at": datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
    }
    return MatrixRow(**{**values, **changes})


def _matrix_rows() -> list[MatrixRow]:
    return [
        _row(1),
        _row(2, comment=FORMULA, organisation="@Evil", proposed_change="-1 line"),
        _row(3, confidential=True, observations="Rejected: out of scope"),
        _row(4, comment="Bad \x07 control character"),
    ]


def test_matrix_csv_round_trips_with_formulas_neutralised() -> None:
    rows = list(csv.reader(io.StringIO("".join(matrix_csv(_matrix_rows())))))

    assert tuple(rows[0]) == MATRIX_HEADERS
    assert [r[0] for r in rows[1:]] == [f"HAIP-V1-{n:06d}" for n in (1, 2, 3, 4)]
    first = dict(zip(matrix_headers(), rows[1], strict=True))
    assert first["Line(s)"] == "12–14" and rows[2][2] == "12"
    assert first["Comments"] == "Comment number 1.\nSecond line, with a comma."
    assert first["Type of comment"] == "te" and first["Submitted (UTC)"] == "2026-03-02 10:30"
    second = dict(zip(matrix_headers(), rows[2], strict=True))
    assert second["Comments"] == "'" + FORMULA
    assert second["Member body / organisation"] == "'@Evil"
    assert second["Proposed change"] == "'-1 line"
    assert rows[3][8] == "Rejected: out of scope" and rows[3][12] == "yes"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_matrix_csv_streams_without_materialising_its_rows() -> None:
    pulled = 0

    def rows() -> Iterator[MatrixRow]:
        nonlocal pulled
        row = _row(1)
        for _ in range(100_000):
            pulled += 1
            yield row

    lines = matrix_csv(rows())
    assert iter(lines) is lines and pulled == 0
    first = [next(lines) for _ in range(5)]
    assert first[0].startswith("Reference,") and pulled == 4
    assert len([next(lines) for _ in range(1000)]) == 1000 and pulled == 1004


def test_matrix_xlsx_opens_with_its_header_rows_and_text_cells() -> None:
    out = io.BytesIO()
    write_matrix_xlsx(iter(_matrix_rows()), out, title="Comment matrix: HAIP, version 1")

    workbook = load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook.active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == MATRIX_HEADERS
    assert [row[0] for row in values[1:]] == [f"HAIP-V1-{n:06d}" for n in (1, 2, 3, 4)]
    assert values[2][6] == "'" + FORMULA
    assert sheet["G3"].data_type == "s"  # text, not a formula
    assert values[4][6] == "Bad  control character"
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet["G2"].alignment.wrap_text
    assert sheet.column_dimensions["G"].width == 60
    assert workbook.properties.title == "Comment matrix: HAIP, version 1"


def test_matrix_docx_is_a_landscape_table_in_the_iso_layout() -> None:
    out = io.BytesIO()
    write_matrix_docx(iter(_matrix_rows()), out, title="Comment matrix: HAIP, version 1")

    document = Document(io.BytesIO(out.getvalue()))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert section.page_width > section.page_height
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == list(MATRIX_HEADERS[:9])
    assert len(table.rows) == 1 + 4
    assert [c.text for c in table.rows[1].cells][:4] == [
        "HAIP-V1-000001",
        "Kumo AI (JP)",
        "12–14",
        "action-3\nAction 3: Transparency",
    ]
    assert table.rows[3].cells[6].text.endswith("[Confidential]")


# --- Open data -------------------------------------------------------------------------


def _open_comments(count: int) -> Iterator[OpenComment]:
    for number in range(count):
        yield OpenComment(
            reference=f"HAIP-V1-{number:06d}",
            section_key="action-1",
            section_heading="Action 1",
            line_start=3,
            line_end=4,
            kind="general",
            stance="support",
            body=FORMULA if number == 1 else f"Body {number}, «unicode» 日本",
            proposed_text="",
            organisation="Kumo AI",
            stakeholder_type="company",
            country="JP",
            submitted_at=datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
            disposition="accepted" if number == 0 else "",
            response="Agreed." if number == 0 else "",
        )


def test_open_data_csv_streams_neutralised_rows() -> None:
    rows = list(csv.reader(io.StringIO("".join(opendata_csv(_open_comments(3))))))

    assert tuple(rows[0]) == OPEN_DATA_FIELDS
    record = dict(zip(OPEN_DATA_FIELDS, rows[1], strict=True))
    assert record["submitted_at"] == "2026-03-02T10:30:00+00:00"
    assert record["body"] == "Body 0, «unicode» 日本" and record["line_start"] == "3"
    assert rows[2][OPEN_DATA_FIELDS.index("body")] == "'" + FORMULA


def test_open_data_json_streams_one_comment_per_chunk() -> None:
    pulled = 0

    def rows() -> Iterator[OpenComment]:
        nonlocal pulled
        for comment in _open_comments(1000):
            pulled += 1
            yield comment

    chunks = opendata_json(rows(), meta={"draft": "HAIP", "generated_at": START})
    head = next(chunks)
    assert pulled == 0 and head.startswith('{"meta": ')
    second = next(chunks)
    assert pulled == 1
    document = json.loads(head + second + "".join(chunks))
    assert document["meta"] == {"draft": "HAIP", "generated_at": START.isoformat()}
    assert len(document["comments"]) == 1000
    assert document["comments"][1]["body"] == FORMULA  # JSON is data, not a spreadsheet
    assert document["comments"][0]["disposition"] == "accepted"
    assert list(document["comments"][0]) == list(OPEN_DATA_FIELDS)
    empty = json.loads("".join(opendata_json(iter(()), meta={})))
    assert empty == {"meta": {}, "comments": []}
