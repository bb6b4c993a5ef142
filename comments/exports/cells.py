"""Cell values that are safe to hand to a spreadsheet or an XML document.

Every CSV and Excel writer of the portal (comments.csv, the comment matrix, the digest's
matrix files, the rejected rows of a bulk upload) passes each cell through :func:`neutralise`.
"""

from __future__ import annotations

import re
import unicodedata

# OWASP "CSV injection": a cell starting with one of these may be read as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = ("=", "+", "-", "@")

# Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return, and
# the non-characters U+FFFE/U+FFFF); openpyxl and python-docx refuse text holding them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def skipped_by_spreadsheets(character: str) -> bool:
    """Whether a spreadsheet may drop ``character`` before it looks for a formula: spaces of
    every kind, control characters (Cc) and invisible format characters (Cf: zero-width
    spaces, byte-order marks, direction marks)."""
    return character.isspace() or unicodedata.category(character) in ("Cc", "Cf")


def neutralise(value: str) -> str:
    """``value`` with a leading apostrophe if a spreadsheet could read it as a formula: if it
    starts with a formula character, tab or carriage return, or if its first character that
    a spreadsheet does not skip (see :func:`skipped_by_spreadsheets`) is ``=``, ``+``, ``-``
    or ``@`` (``"\\x01=HYPERLINK(…)"``, ``" =1+1"``). Any other value is returned as it is."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    for character in value:
        if not skipped_by_spreadsheets(character):
            return "'" + value if character in FORMULA_STARTS else value
    return value


def xml_text(value: str) -> str:
    """``value`` without the control characters an XML document cannot hold."""
    return _NOT_XML.sub("", value)
