"""A digest's documents: HTML, PDF, Word, Markdown and JSON, written from its synthesis data
(and a little metadata) without the database. For a public digest no document ever holds a
confidential comment's text."""

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

__all__ = [
    "DigestMeta",
    "bar_chart",
    "digest_charts",
    "digest_context",
    "digest_html",
    "digest_json",
    "digest_markdown",
    "timeline_chart",
    "write_digest_docx",
    "write_digest_pdf",
]
