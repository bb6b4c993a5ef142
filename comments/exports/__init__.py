"""Export writers: a digest as HTML, PDF, Word, Markdown and JSON; the comment-resolution
matrix as CSV, Excel and Word; a version's public comments as open data (CSV, JSON). Pure
writers: plain data in, a document out; no database, no HTTP."""

from .cells import neutralise
from .charts import bar_chart, timeline_chart
from .digest import (
    DigestMeta,
    digest_charts,
    digest_context,
    digest_html,
    digest_json,
    digest_markdown,
    write_digest_docx,
    write_digest_pdf,
)
from .matrix import (
    MATRIX_HEADERS,
    TYPE_CODES,
    MatrixRow,
    matrix_csv,
    write_matrix_docx,
    write_matrix_xlsx,
)
from .opendata import OPEN_DATA_FIELDS, OpenComment, opendata_csv, opendata_json

__all__ = [
    "MATRIX_HEADERS",
    "OPEN_DATA_FIELDS",
    "TYPE_CODES",
    "DigestMeta",
    "MatrixRow",
    "OpenComment",
    "bar_chart",
    "digest_charts",
    "digest_context",
    "digest_html",
    "digest_json",
    "digest_markdown",
    "matrix_csv",
    "neutralise",
    "opendata_csv",
    "opendata_json",
    "timeline_chart",
    "write_digest_docx",
    "write_digest_pdf",
    "write_matrix_docx",
    "write_matrix_xlsx",
]
