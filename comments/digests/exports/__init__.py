"""A digest's documents: HTML, PDF, Word, Markdown and JSON, each written from its synthesis
(``Digest.data``) and a little metadata (:class:`DocumentMeta`) without the database, all
through one reading of it (:mod:`.report`). For a public digest no document ever holds a
confidential comment's text."""

from .charts import bar_chart, timeline_chart
from .documents import digest_charts, digest_context, digest_html, digest_json, write_digest_pdf
from .markdown_document import digest_markdown
from .meta import DocumentMeta
from .word_document import write_digest_docx

__all__ = [
    "DocumentMeta",
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
