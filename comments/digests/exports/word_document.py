"""A digest as a Word document: a heading per part and per section, tables for the counts and
for agreement, quotes as paragraphs followed by their reference."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from docx import Document
from docx.shared import Pt

from comments.exports import labels
from comments.exports.cells import xml_text
from comments.exports.word import add_rows, add_table, repeat_header

from .briefing_report import ClaimView
from .meta import DocumentMeta
from .report import (
    STANCE_HEADERS,
    CountRow,
    ExcerptView,
    Report,
    SectionView,
    ThemeView,
    build_report,
    stance_cells,
)


def _paragraph(document: Any, text: str, *, style: str | None = None, bold: str = "") -> Any:
    paragraph = document.add_paragraph(style=style)
    if bold:
        paragraph.add_run(xml_text(bold)).bold = True
    paragraph.add_run(xml_text(text))
    return paragraph


def _counts(document: Any, title: str, name: str, rows: Sequence[CountRow]) -> None:
    document.add_heading(title, level=2)
    table = add_table(document, (name, "Comments", "Share"))
    repeat_header(table)
    add_rows(table, ((r.label, f"{r.count:,}", r.share) for r in rows))


def _quote(document: Any, quote: ExcerptView) -> None:
    _paragraph(document, quote.text, style="Quote")
    source = f"{quote.reference}, {quote.attribution}"
    if quote.stakeholder_type:
        source += f" ({quote.stakeholder_type})"
    paragraph = _paragraph(document, f"— {source}")
    if quote.confidential:
        paragraph.add_run("  CONFIDENTIAL").bold = True


def _mix(rows: Sequence[CountRow]) -> str:
    return ", ".join(f"{r.label} {r.count}" for r in rows) or "none"


def _header(document: Any, report: Report) -> None:
    document.add_heading(xml_text(report.title), level=0)
    for label, value in (
        ("Draft: ", f"{report.draft_title}, version {report.version_number}"),
        ("Audience: ", report.audience),
        ("Cut-off: ", report.cutoff),
        ("Generated: ", report.generated),
        ("Reference: ", report.reference),
    ):
        _paragraph(document, value, bold=label)
    if report.working_group:
        _paragraph(document, "", bold="Includes confidential comments: not for publication.")


def _overview(document: Any, report: Report, by_day: Sequence[Mapping[str, Any]]) -> None:
    document.add_heading("Figures", level=1)
    period = f", filed from {report.period}" if report.period else ""
    _paragraph(document, f"{period}.", bold=report.size)
    note = "Copies of the same text, or near copies, count as one distinct position."
    _paragraph(document, f"{note} {report.confidential_note}".strip())
    if report.empty_sections:
        _paragraph(document, report.empty_sections)
    _counts(document, "Comments by section", "Section", report.by_section)
    _counts(document, "Comments by stance", "Stance", report.by_stance)
    _counts(
        document, "Comments by stakeholder type", "Stakeholder type", report.by_stakeholder_type
    )
    _counts(document, "Comments by country", "Country", report.by_country)
    _counts(document, "Comments by type", "Type", report.by_kind)
    document.add_heading("Comments filed per day", level=2)
    table = add_table(document, ("Day", "Comments"))
    add_rows(table, ((str(d["day"]), f"{d['count']:,}") for d in by_day))


def _dispositions(document: Any, report: Report) -> None:
    document.add_heading("Dispositions", level=1)
    _paragraph(
        document,
        f"The secretariat's answers to the {report.disposed_total:,} comments of this digest "
        "(open: not yet answered).",
    )
    table = add_table(document, ("Outcome", "Comments", "Share"))
    add_rows(table, ((r.label, f"{r.count:,}", r.share) for r in report.dispositions))
    if report.answers:
        _paragraph(document, report.answers)
    for note in report.notes:
        _paragraph(document, note, style="List Bullet")


def _theme(document: Any, theme: ThemeView) -> None:
    document.add_heading(xml_text(f"“{theme.label}”"), level=3)
    about = f"{theme.key_phrase} · " if theme.key_phrase else ""
    about += theme.size + (f" · in {theme.languages}" if theme.languages else "")
    _paragraph(document, about)
    for label, value in (
        ("Held by: ", theme.held_by),
        ("Stakeholders: ", _mix(theme.stakeholder_mix)),
        ("Countries: ", theme.countries),
        ("Stances: ", theme.stances),
    ):
        if value:
            _paragraph(document, value, bold=label)
    for proposal in theme.proposals:
        _paragraph(document, proposal, style="List Bullet")
    for quote in theme.quotes:
        _quote(document, quote)


def _themes(document: Any, section: SectionView) -> None:
    document.add_heading("Themes", level=2)
    for theme in section.themes:
        _theme(document, theme)
    if not section.themes:
        _paragraph(document, section.no_themes)
    if section.themes_more:
        _paragraph(document, section.themes_more)


def _claim(document: Any, claim: ClaimView) -> None:
    _paragraph(document, claim.label, style="Quote")
    about = "Campaign · " if claim.campaign else ""
    about += f"{claim.where} · {claim.summary}"
    about += f" · {claim.groups}" if claim.groups else ""
    about += f" · stances: {claim.stances}" if claim.stances else ""
    paragraph = _paragraph(document, f"{about} · {claim.reference}")
    if claim.confidential:
        paragraph.add_run("  CONFIDENTIAL").bold = True


def _briefing(document: Any, report: Report) -> None:
    briefing = report.briefing
    if briefing is None:
        return
    document.add_heading("Key messages", level=1)
    who = f" from {briefing.respondents}" if briefing.respondents else ""
    _paragraph(document, f"{who}.", bold=report.size)
    for claim in briefing.key_messages:
        _claim(document, claim)
    if briefing.group_wants:
        document.add_heading("What each stakeholder group wants", level=1)
    for wants in briefing.group_wants:
        document.add_heading(xml_text(wants.group), level=2)
        stances = f"stances: {wants.stances}" if wants.stances else "no stance taken"
        _paragraph(document, f"{wants.summary} · {stances}")
        for claim in wants.claims:
            text = f"“{claim.label}” ({claim.where}; {claim.summary})"
            _paragraph(document, text, style="List Bullet")
    if briefing.contested:
        document.add_heading("Most contested lines", level=1)
    for line in briefing.contested:
        groups = f". By group: {line.groups}" if line.groups else ""
        text = f": {line.stances}. {line.summary}{groups}."
        _paragraph(document, text, style="List Bullet", bold=line.title)


def _changes(document: Any, section: SectionView) -> None:
    document.add_heading("Proposed changes", level=2)
    for change in section.changes:
        document.add_heading(change.title, level=3)
        _paragraph(document, change.summary)
        for proposal in change.proposals:
            _paragraph(document, proposal.text, style="List Bullet")
            paragraph = _paragraph(document, proposal.source)
            if proposal.confidential:
                paragraph.add_run("  CONFIDENTIAL").bold = True
        if change.more:
            _paragraph(document, change.more)
    if not section.changes:
        _paragraph(document, "No proposed changes.")
    if section.changes_more:
        _paragraph(document, section.changes_more)


def _section(document: Any, section: SectionView) -> None:
    document.add_heading(xml_text(section.heading), level=1)
    _paragraph(document, section.size)
    if section.agreement is not None:
        document.add_heading("Stance by stakeholder type", level=2)
        table = add_table(document, STANCE_HEADERS)
        repeat_header(table)
        add_rows(table, (stance_cells(r) for r in (*section.groups, section.agreement)))
        _paragraph(document, "Shares are of the comments that took a stance.")
    _themes(document, section)
    _changes(document, section)


def _campaigns(document: Any, report: Report) -> None:
    document.add_heading("Campaigns", level=1)
    _paragraph(
        document,
        "One text filed by several distinct submitters (copied, edited or with a paragraph of "
        "their own added), shown once and counted as one position.",
    )
    if report.campaigns_more:
        _paragraph(
            document,
            f"The {len(report.campaigns)} largest are described here; {report.campaigns_more}",
        )
    for number, campaign in enumerate(report.campaigns, start=1):
        document.add_heading(
            f"Campaign {number}: {labels.plural(campaign.comments, 'comment')}", level=2
        )
        references = ", ".join(campaign.references)
        if campaign.more_references:
            references += f" and {campaign.more_references:,} more"
        for label, value in (
            ("Copies: ", campaign.copies),
            ("Signatories: ", campaign.submitters),
            ("Organisations: ", campaign.organisation_list),
            ("Stakeholder mix: ", _mix(campaign.stakeholder_mix)),
            ("Sections: ", "; ".join(campaign.sections)),
            ("References: ", references),
        ):
            _paragraph(document, value, bold=label)
        _quote(document, campaign.representative)
    if not report.campaigns:
        _paragraph(document, "No campaign found.")


def _repeats(document: Any, report: Report) -> None:
    if not report.repeats:
        return
    document.add_heading("Repeats", level=1)
    _paragraph(document, "One text filed again by fewer submitters than a campaign needs.")
    for repeat in report.repeats:
        _paragraph(document, repeat.line)
        _quote(document, repeat.representative)
    if report.repeats_more:
        _paragraph(document, report.repeats_more)


def _write(document: Any, report: Report, by_day: Sequence[Mapping[str, Any]]) -> None:
    _header(document, report)
    _briefing(document, report)
    _campaigns(document, report)
    _overview(document, report, by_day)
    _dispositions(document, report)
    for section in report.sections:
        _section(document, section)
    _repeats(document, report)


def write_digest_docx(data: Mapping[str, Any], meta: DocumentMeta, out: IO[bytes]) -> None:
    """The digest as a Word document written to ``out``: the same parts as the HTML document,
    each section's title a level-1 heading, charts given as tables."""
    document = Document()
    document.core_properties.title = xml_text(meta.title)
    document.styles["Normal"].font.size = Pt(10)
    _write(document, build_report(data, meta), data["overview"].get("by_day", ()))
    document.save(out)
