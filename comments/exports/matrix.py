"""The ISO/IEC comment-resolution matrix (one row per comment, with the secretariat's
observations) as CSV, Excel and Word. Rows arrive as an iterable and are written one at a time,
so a matrix of any size takes the same memory."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import labels
from .cells import neutralise, xml_text
from .word import add_table, repeat_header

TYPE_CODES = {"general": "ge", "technical": "te", "editorial": "ed"}

# The ISO/IEC template's columns first (with the comment's reference), then what helps to sort
# and filter a spreadsheet; written in the active language (see matrix_headers).
ISO_HEADERS = (
    gettext_lazy("Reference"),
    gettext_lazy("Member body / organisation"),
    pgettext_lazy("matrix column", "Line(s)"),
    gettext_lazy("Clause"),
    gettext_lazy("Paragraph"),
    gettext_lazy("Type of comment"),
    pgettext_lazy("matrix column", "Comments"),
    gettext_lazy("Proposed change"),
    gettext_lazy("Observations of the secretariat"),
)
MATRIX_HEADERS = (
    *ISO_HEADERS,
    gettext_lazy("Clause title"),
    gettext_lazy("Stakeholder type"),
    gettext_lazy("Country"),
    gettext_lazy("Confidential"),
    gettext_lazy("Submitted (UTC)"),
)


def matrix_headers(headers: Sequence[object] = MATRIX_HEADERS) -> tuple[str, ...]:
    """The matrix's column headings in the active language."""
    return tuple(str(header) for header in headers)


COLUMN_WIDTHS = (16, 28, 9, 12, 30, 10, 60, 45, 45, 30, 22, 9, 12, 20)  # characters
DOCX_WIDTHS_CM = (2.2, 3.2, 1.5, 2.4, 2.8, 1.3, 6.2, 4.6, 3.5)  # A4 landscape: 27.7 cm
EXCEL_CELL_LIMIT = 32_767


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One comment as a row of the matrix."""

    reference: str
    organisation: str
    stakeholder_type: str
    country: str
    line_start: int
    line_end: int
    clause: str  # section key, e.g. "action-3"
    clause_title: str  # section heading
    paragraph: str  # the quoted phrase, if any, else ""
    comment_type: str  # "ge" | "te" | "ed" (see TYPE_CODES)
    comment: str
    proposed_change: str
    observations: str  # "Accepted: <response>", or "" while open
    confidential: bool
    submitted_at: datetime


def matrix_cells(row: MatrixRow) -> tuple[str, ...]:
    """The row's cells as text, in the order of :data:`MATRIX_HEADERS` (not neutralised)."""
    submitted = row.submitted_at
    if submitted.tzinfo is not None:
        submitted = submitted.astimezone(UTC)
    return (
        row.reference,
        row.organisation,
        labels.lines(row.line_start, row.line_end),
        row.clause,
        row.paragraph,
        row.comment_type,
        row.comment,
        row.proposed_change,
        row.observations,
        row.clause_title,
        labels.stakeholder_type(row.stakeholder_type),
        row.country,
        _("yes") if row.confidential else _("no"),
        submitted.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes"),
    )


class _Echo:
    """A file that hands back what is written to it, so csv.writer yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The header line, then one CSV line per row, every cell neutralised; lazily."""
    writer = csv.writer(_Echo())
    yield writer.writerow(headers)
    for cells in rows:
        yield writer.writerow([neutralise(cell) for cell in cells])


def matrix_csv(rows: Iterable[MatrixRow]) -> Iterator[str]:
    """The matrix as CSV lines (header first), each row read only when its line is asked for:
    fit for a streaming response."""
    return csv_lines(matrix_headers(), (matrix_cells(row) for row in rows))


def _excel_text(value: str) -> str:
    value = neutralise(xml_text(value))
    return value if len(value) <= EXCEL_CELL_LIMIT else value[: EXCEL_CELL_LIMIT - 1] + "…"


def write_matrix_xlsx(rows: Iterable[MatrixRow], out: IO[bytes], *, title: str) -> None:
    """The matrix as an Excel workbook written to ``out``: a bold, frozen header row, set
    column widths, wrapped text, and every cell plain text (nothing is read as a formula).
    Written row by row (openpyxl's write-only mode)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = xml_text(title)
    sheet: Any = workbook.create_sheet(_("Comment matrix")[:31])
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    wrap = Alignment(wrap_text=True, vertical="top")
    header, body = WriteOnlyCell(sheet), WriteOnlyCell(sheet)
    header.font = Font(bold=True)
    header.alignment = body.alignment = wrap

    def cell(value: str, style: WriteOnlyCell) -> WriteOnlyCell:
        written = WriteOnlyCell(sheet, value=_excel_text(value))
        # Copying the style array is openpyxl's own way to copy a style; setting the
        # alignment on each cell instead costs more than everything else put together.
        written._style = copy(style._style)
        return written

    sheet.append([cell(name, header) for name in matrix_headers()])
    for row in rows:
        sheet.append([cell(value, body) for value in matrix_cells(row)])
    workbook.save(out)


def write_matrix_docx(rows: Iterable[MatrixRow], out: IO[bytes], *, title: str) -> None:
    """The matrix as a Word document in the ISO/IEC layout: A4 landscape, one table with the
    template's columns and a header row repeated on every page."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.0))
    document.core_properties.title = xml_text(title)
    document.styles["Normal"].font.size = Pt(8)
    document.add_heading(xml_text(title), level=1)
    table = add_table(document, matrix_headers(ISO_HEADERS), widths_cm=DOCX_WIDTHS_CM)
    repeat_header(table)
    for row in rows:
        cells = table.add_row().cells
        organisation = row.organisation or _("Not attributed")
        if row.country:
            organisation += f" ({row.country})"
        clause = f"{row.clause}\n{row.clause_title}" if row.clause_title else row.clause
        comment = row.comment + ("\n[" + _("Confidential") + "]" if row.confidential else "")
        values = (
            row.reference,
            organisation,
            labels.lines(row.line_start, row.line_end),
            clause,
            row.paragraph,
            row.comment_type,
            comment,
            row.proposed_change,
            row.observations,
        )
        for target, value in zip(cells, values, strict=True):
            target.text = xml_text(value)
    document.save(out)
