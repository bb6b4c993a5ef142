"""A digest as a Word document: a heading per part and per section, tables for the counts and
for agreement, quotes as paragraphs followed by their reference."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.shared import Pt

from comments.exports import labels
from comments.exports.cells import xml_text
from comments.exports.word import add_rows, add_table, repeat_header

from .briefing_report import ClaimView
from .meta import DocumentMeta
from .report import (
    CountRow,
    ExcerptView,
    Report,
    SectionView,
    ThemeView,
    build_report,
    stance_cells,
    stance_headers,
)


def _paragraph(document: Any, text: str, *, style: str | None = None, bold: str = "") -> Any:
    paragraph = document.add_paragraph(style=style)
    if bold:
        paragraph.add_run(xml_text(bold)).bold = True
    paragraph.add_run(xml_text(text))
    return paragraph


def _counts(document: Any, title: str, name: str, rows: Sequence[CountRow]) -> None:
    document.add_heading(title, level=2)
    table = add_table(document, (name, _("Comments"), _("Share")))
    repeat_header(table)
    add_rows(table, ((r.label, labels.number(r.count), r.share) for r in rows))


def _quote(document: Any, quote: ExcerptView) -> None:
    _paragraph(document, quote.text, style="Quote")
    source = f"{quote.reference}, {quote.attribution}"
    if quote.stakeholder_type:
        source += f" ({quote.stakeholder_type})"
    if quote.language_name:
        source += " · " + _("in %(language)s") % {"language": quote.language_name}
    paragraph = _paragraph(document, f"— {source}")
    if quote.confidential:
        paragraph.add_run("  " + _("Confidential").upper()).bold = True


def _mix(rows: Sequence[CountRow]) -> str:
    return ", ".join(f"{r.label} {labels.number(r.count)}" for r in rows) or _("none")


def _header(document: Any, report: Report) -> None:
    document.add_heading(xml_text(report.title), level=0)
    for label, value in (
        (
            _("Draft") + ": ",
            _("%(draft_title)s, version %(version_number)s")
            % {"draft_title": report.draft_title, "version_number": report.version_number},
        ),
        (_("Audience") + ": ", report.audience),
        (_("Cut-off") + ": ", report.cutoff),
        (_("Generated") + ": ", report.generated),
        (_("Reference") + ": ", report.reference),
    ):
        _paragraph(document, value, bold=label)
    if report.working_group:
        warning = _("includes confidential comments: not for publication")
        _paragraph(document, "", bold=f"{warning[:1].upper()}{warning[1:]}.")


def _overview(document: Any, report: Report, by_day: Sequence[Mapping[str, Any]]) -> None:
    document.add_heading(_("Figures"), level=1)
    period = _(", filed from %(period)s") % {"period": report.period} if report.period else ""
    _paragraph(document, f"{period}.", bold=report.size)
    note = _("Copies of the same text, or near copies, count as one distinct position.")
    _paragraph(document, f"{note} {report.confidential_note}".strip())
    if report.empty_sections:
        _paragraph(document, report.empty_sections)
    _counts(document, _("Comments by section"), _("Section"), report.by_section)
    _counts(document, _("Comments by stance"), _("Stance"), report.by_stance)
    _counts(
        document,
        _("Comments by stakeholder type"),
        _("Stakeholder type"),
        report.by_stakeholder_type,
    )
    _counts(document, _("Comments by country"), _("Country"), report.by_country)
    _counts(document, _("Comments by type"), _("Type"), report.by_kind)
    _counts(document, _("Comments by language"), _("Language"), report.by_language)
    document.add_heading(_("Comments filed per day"), level=2)
    table = add_table(document, (_("Day"), _("Comments")))
    add_rows(table, ((str(d["day"]), labels.number(d["count"])) for d in by_day))


def _dispositions(document: Any, report: Report) -> None:
    document.add_heading(_("Dispositions"), level=1)
    _paragraph(
        document,
        ngettext(
            "The secretariat's answers to the %(count)s comment of this digest (open: not yet "
            "answered).",
            "The secretariat's answers to the %(count)s comments of this digest (open: not yet "
            "answered).",
            report.disposed_total,
        )
        % {"count": labels.number(report.disposed_total)},
    )
    table = add_table(document, (_("Outcome"), _("Comments"), _("Share")))
    add_rows(table, ((r.label, labels.number(r.count), r.share) for r in report.dispositions))
    if report.answers:
        _paragraph(document, report.answers)
    for note in report.notes:
        _paragraph(document, note, style="List Bullet")


def _theme(document: Any, theme: ThemeView) -> None:
    document.add_heading(xml_text(f"“{theme.label}”"), level=3)
    about = f"{theme.key_phrase} · " if theme.key_phrase else ""
    about += theme.size
    about += (
        " " + _("· in %(languages)s") % {"languages": theme.languages} if theme.languages else ""
    )
    _paragraph(document, about)
    for label, value in (
        (_("Held by") + ": ", theme.held_by),
        (_("Stakeholders") + ": ", _mix(theme.stakeholder_mix)),
        (_("Countries") + ": ", theme.countries),
        (_("Stances") + ": ", theme.stances),
    ):
        if value:
            _paragraph(document, value, bold=label)
    for proposal in theme.proposals:
        _paragraph(document, proposal, style="List Bullet")
    for quote in theme.quotes:
        _quote(document, quote)


def _themes(document: Any, section: SectionView) -> None:
    document.add_heading(_("Themes"), level=2)
    for theme in section.themes:
        _theme(document, theme)
    if not section.themes:
        _paragraph(document, section.no_themes)
    if section.themes_more:
        _paragraph(document, section.themes_more)


def _claim(document: Any, claim: ClaimView) -> None:
    _paragraph(document, claim.label, style="Quote")
    about = _("Campaign ·") + " " if claim.campaign else ""
    about += f"{claim.where} · {claim.summary}"
    about += f" · {claim.groups}" if claim.groups else ""
    about += " " + _("· stances: %(stances)s") % {"stances": claim.stances} if claim.stances else ""
    paragraph = _paragraph(document, f"{about} · {claim.reference}")
    if claim.confidential:
        paragraph.add_run("  " + _("Confidential").upper()).bold = True


def _briefing(document: Any, report: Report) -> None:
    briefing = report.briefing
    if briefing is None:
        return
    document.add_heading(_("Key messages"), level=1)
    who = " " + _("from %(respondents)s") % {"respondents": briefing.respondents}
    who = who if briefing.respondents else ""
    _paragraph(document, f"{who}.", bold=report.size)
    for claim in briefing.key_messages:
        _claim(document, claim)
    if briefing.group_wants:
        document.add_heading(_("What each stakeholder group wants"), level=1)
    for wants in briefing.group_wants:
        document.add_heading(xml_text(wants.group), level=2)
        stances = (
            _("stances: %(stances)s") % {"stances": wants.stances}
            if wants.stances
            else _("no stance taken")
        )
        _paragraph(document, f"{wants.summary} · {stances}")
        for claim in wants.claims:
            text = f"“{claim.label}” ({claim.where}; {claim.summary})"
            _paragraph(document, text, style="List Bullet")
    if briefing.contested:
        document.add_heading(_("Most contested lines"), level=1)
    for line in briefing.contested:
        groups = _(". By group: %(groups)s") % {"groups": line.groups} if line.groups else ""
        text = f": {line.stances}. {line.summary}{groups}."
        _paragraph(document, text, style="List Bullet", bold=line.title)


def _changes(document: Any, section: SectionView) -> None:
    document.add_heading(_("Proposed changes"), level=2)
    for change in section.changes:
        document.add_heading(change.title, level=3)
        _paragraph(document, change.summary)
        for proposal in change.proposals:
            _paragraph(document, proposal.text, style="List Bullet")
            paragraph = _paragraph(document, proposal.source)
            if proposal.confidential:
                paragraph.add_run("  " + _("Confidential").upper()).bold = True
        if change.more:
            _paragraph(document, change.more)
    if not section.changes:
        _paragraph(document, _("No proposed changes."))
    if section.changes_more:
        _paragraph(document, section.changes_more)


def _section(document: Any, section: SectionView) -> None:
    document.add_heading(xml_text(section.heading), level=1)
    _paragraph(document, section.size)
    if section.agreement is not None:
        document.add_heading(_("Stance by stakeholder type"), level=2)
        table = add_table(document, stance_headers())
        repeat_header(table)
        add_rows(table, (stance_cells(r) for r in (*section.groups, section.agreement)))
        _paragraph(document, _("Shares are of the comments that took a stance."))
    _themes(document, section)
    _changes(document, section)


def _campaigns(document: Any, report: Report) -> None:
    document.add_heading(_("Campaigns"), level=1)
    _paragraph(
        document,
        _(
            "One text filed by several distinct submitters (copied, edited or with a paragraph "
            "of their own added), shown once and counted as one position."
        ),
    )
    if report.campaigns_more:
        _paragraph(
            document,
            _("The %(campaigns)s largest are described here; %(campaigns_more)s")
            % {"campaigns": len(report.campaigns), "campaigns_more": report.campaigns_more},
        )
    for number, campaign in enumerate(report.campaigns, start=1):
        heading = ngettext(
            "Campaign %(number)s: %(count)s comment",
            "Campaign %(number)s: %(count)s comments",
            campaign.comments,
        ) % {"number": number, "count": labels.number(campaign.comments)}
        document.add_heading(heading, level=2)
        references = ", ".join(campaign.references)
        if campaign.more_references:
            references += " " + _("and %(more_references)s more") % {
                "more_references": labels.number(campaign.more_references)
            }
        for label, value in (
            (_("Copies") + ": ", campaign.copies),
            (_("Signatories") + ": ", campaign.submitters),
            (_("Organisations") + ": ", campaign.organisation_list),
            (_("Stakeholder mix") + ": ", _mix(campaign.stakeholder_mix)),
            (_("Sections") + ": ", "; ".join(campaign.sections)),
            (_("References") + ": ", references),
        ):
            _paragraph(document, value, bold=label)
        _quote(document, campaign.representative)
    if not report.campaigns:
        _paragraph(document, _("No campaign found."))


def _repeats(document: Any, report: Report) -> None:
    if not report.repeats:
        return
    document.add_heading(_("Repeats"), level=1)
    _paragraph(document, _("One text filed again by fewer submitters than a campaign needs."))
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
