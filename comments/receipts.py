"""The filing receipt as a PDF to keep: reference, draft, anchor, time and the text as filed,
laid out by WeasyPrint from one self-contained HTML document that loads nothing."""

from typing import Any

from django.template.loader import render_to_string

from drafts.markdown import render_markdown

from .models import Comment
from .selectors import FiledText

RECEIPT_TEMPLATE = "comments/receipt_pdf.html"


def receipt_html(comment: Comment, filed: FiledText) -> str:
    context: dict[str, Any] = {
        "comment": comment,
        "filed": filed,
        "kind": Comment.Kind(filed.kind).label,
        "stance": Comment.Stance(filed.stance).label if filed.stance else "",
        "body_html": render_markdown(filed.body),
    }
    return render_to_string(RECEIPT_TEMPLATE, context)


def receipt_pdf(comment: Comment, filed: FiledText) -> bytes:
    """The receipt as PDF bytes. Every URL the document might name is refused, so rendering
    touches no network and no file."""
    # Imported here: WeasyPrint needs Pango, which pages do not.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class RefuseEveryURL(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> object:
            raise ValueError(f"The receipt PDF fetches nothing ({url}).")

    html = HTML(string=receipt_html(comment, filed), base_url=None, url_fetcher=RefuseEveryURL())
    pdf = html.write_pdf()
    assert pdf is not None
    return pdf
