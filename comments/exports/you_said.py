""" "You said, we did" as files: a PDF laid out by WeasyPrint from one self-contained HTML
document that loads nothing (as the receipt and the digests are), and a Word document written
with python-docx."""

from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..you_said import AnsweredComment, Change, YouSaidWeDid
from .cells import xml_text

PDF_TEMPLATE = "comments/you_said_pdf.html"


def you_said_pdf(report: YouSaidWeDid) -> bytes:
    """The report as PDF bytes; every URL the document might name is refused, so rendering
    touches no network and no file."""
    # Imported here: WeasyPrint needs Pango, which pages do not.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class RefuseEveryURL(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> object:
            raise ValueError(f"The report PDF fetches nothing ({url}).")

    html = render_to_string(PDF_TEMPLATE, {"report": report})
    pdf = HTML(string=html, base_url=None, url_fetcher=RefuseEveryURL()).write_pdf()
    assert pdf is not None
    return pdf


def _change_text(change: Change) -> str:
    if change.kind == "change":
        return _("Line %(old)s rewritten (now line %(new)s): %(before)s → %(after)s") % {
            "old": change.old_number,
            "new": change.new_number,
            "before": change.old_text,
            "after": change.new_text,
        }
    if change.kind == "insert":
        return _("Line %(new)s added: %(text)s") % {
            "new": change.new_number,
            "text": change.new_text,
        }
    return _("Line %(old)s removed: %(text)s") % {"old": change.old_number, "text": change.old_text}


def _comment_paragraphs(document: Any, item: AnsweredComment, report: YouSaidWeDid) -> None:
    heading = f"{item.reference}" + (f" · {item.organisation}" if item.organisation else "")
    if item.confidential:
        heading += " · " + _("Confidential")
    paragraph = document.add_paragraph()
    paragraph.add_run(xml_text(heading)).bold = True
    document.add_paragraph(xml_text(item.body), style="Quote")
    if item.proposed_text:
        document.add_paragraph(xml_text(_("Proposed text:") + " " + item.proposed_text))
    answer = document.add_paragraph()
    answer.add_run(xml_text(item.outcome) + ": ").bold = True
    answer.add_run(xml_text(item.response))
    notes = []
    if item.cited_one_line:
        notes.append(
            _("Answered by %(label)s, line %(line)s.")
            % {"label": report.new.label, "line": item.cited}
        )
    elif item.cited:
        notes.append(
            _("Answered by %(label)s, lines %(lines)s.")
            % {"label": report.new.label, "lines": item.cited}
        )
    if item.carried:
        notes.append(_("Where the comment went: %(carried)s.") % {"carried": item.carried})
    notes.append(
        ngettext("%(count)d objection", "%(count)d objections", item.objections)
        % {"count": item.objections}
    )
    document.add_paragraph(xml_text(" ".join(notes)))


def you_said_docx(report: YouSaidWeDid) -> bytes:
    """The report as a Word document: a heading per section, its changes, then each comment
    that led to them with its answer."""
    from docx import Document

    document = Document()
    document.add_heading(
        xml_text(
            _("You said, we did: %(title)s, %(old)s → %(new)s")
            % {"title": report.title, "old": report.old.label, "new": report.new.label}
        ),
        level=0,
    )
    document.add_paragraph(
        _("Full version: confidential comments included.")
        if report.full
        else _("Public version: public comments only.")
    )
    for section in report.sections:
        document.add_heading(xml_text(section.heading), level=1)
        document.add_heading(_("We changed"), level=2)
        for change in section.changes:
            document.add_paragraph(xml_text(_change_text(change)), style="List Bullet")
        if not section.changes:
            document.add_paragraph(_("No change to the text of this section."))
        document.add_heading(_("You said"), level=2)
        for item in section.comments:
            _comment_paragraphs(document, item, report)
        if not section.comments:
            document.add_paragraph(_("No answered comment led to this change."))
    out = BytesIO()
    document.save(out)
    return out.getvalue()
