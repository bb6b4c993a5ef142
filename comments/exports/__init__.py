"""Writers of a version's comments: the comment-resolution matrix as CSV, Excel and Word,
and the open data of its public comments (CSV, JSON). Pure writers: plain data in, a
document out; no database, no HTTP. (A digest's documents are written by
:mod:`comments.digests.exports`, which uses the cells, labels and Word tables here.)"""

from .cells import neutralise
from .matrix import (
    MATRIX_HEADERS,
    TYPE_CODES,
    MatrixRow,
    matrix_csv,
    matrix_headers,
    write_matrix_docx,
    write_matrix_xlsx,
)
from .opendata import OPEN_DATA_FIELDS, OpenComment, opendata_csv, opendata_json

__all__ = [
    "MATRIX_HEADERS",
    "OPEN_DATA_FIELDS",
    "TYPE_CODES",
    "MatrixRow",
    "OpenComment",
    "matrix_csv",
    "matrix_headers",
    "neutralise",
    "opendata_csv",
    "opendata_json",
    "write_matrix_docx",
    "write_matrix_xlsx",
]
