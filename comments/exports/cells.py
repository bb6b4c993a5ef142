"""Cell values that are safe to hand to a spreadsheet or an XML document."""

from __future__ import annotations

import re

# OWASP "CSV injection": a cell starting with one of these may be read as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return, and
# the non-characters U+FFFE/U+FFFF); openpyxl and python-docx refuse text holding them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def neutralise(value: str) -> str:
    """``value`` with a leading apostrophe if a spreadsheet could read it as a formula."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def xml_text(value: str) -> str:
    """``value`` without the control characters an XML document cannot hold."""
    return _NOT_XML.sub("", value)
