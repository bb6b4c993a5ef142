"""Small python-docx helpers shared by the Word exports: tables with a bold header row that
Word repeats on every page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table

from .cells import xml_text


def add_table(
    document: Any, headers: Sequence[str], *, widths_cm: Sequence[float] | None = None
) -> Table:
    """A grid table whose first row holds ``headers`` in bold (and the column widths)."""
    table: Table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    if widths_cm is not None:
        table.autofit = False
    for index, (cell, header) in enumerate(zip(table.rows[0].cells, headers, strict=True)):
        cell.text = ""
        cell.paragraphs[0].add_run(xml_text(header)).bold = True
        if widths_cm is not None:
            cell.width = Cm(widths_cm[index])
            table.columns[index].width = Cm(widths_cm[index])
    return table


def repeat_header(table: Table) -> None:
    """Mark the table's first row as a header row, repeated at the top of each page."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def add_rows(table: Table, rows: Iterable[Sequence[object]]) -> None:
    """One table row per item of ``rows``, each value written as text."""
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = xml_text(str(value))
