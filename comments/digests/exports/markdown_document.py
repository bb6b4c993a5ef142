"""A digest as GitHub-flavoured Markdown, with comment text escaped so that it reads as the
commenter typed it: never as a heading, a list, a link, a table cell break or raw HTML."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from comments.exports import labels

from .briefing_report import ClaimView
from .meta import DocumentMeta
from .report import (
    STANCE_HEADERS,
    CountRow,
    ExcerptView,
    Report,
    SectionView,
    StanceRow,
    ThemeView,
    build_report,
    stance_cells,
)

# Punctuation that means something anywhere in a line (emphasis, code, links, raw HTML,
# entities, tables, strike-through, headings); backslash-escaped wherever it appears.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&#])")
# What starts a block at the beginning of a line: quotes, list items, setext underlines.
_LINE_START = re.compile(r"^([>+=-])|^(\d+)([.)])")


def md_escape(text: str) -> str:
    """``text`` escaped for Markdown; lines are kept, their leading spaces dropped (four of
    them would start a code block)."""
    escaped = []
    for line in text.splitlines():
        line = _INLINE.sub(r"\\\1", line.lstrip())
        escaped.append(_LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line))
    return "\n".join(escaped)


def md_line(text: str) -> str:
    """``text`` escaped onto one line (for headings, list items and table cells)."""
    return " ".join(part for part in md_escape(text).split("\n") if part)


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" + "---:|" * (len(headers) - 1)]
    lines += ["| " + " | ".join(md_line(str(value)) for value in row) + " |" for row in rows]
    return [*lines, ""]


def _counts(name: str, rows: Sequence[CountRow]) -> list[str]:
    return _table((name, "Comments", "Share"), ((r.label, f"{r.count:,}", r.share) for r in rows))


def _stances(groups: Sequence[StanceRow], overall: StanceRow) -> list[str]:
    return _table(STANCE_HEADERS, (stance_cells(r) for r in (*groups, overall)))


def _quote(quote: ExcerptView) -> list[str]:
    lines = [f"> {line}" if line else ">" for line in md_escape(quote.text).split("\n")]
    source = f"{md_line(quote.reference)}, {md_line(quote.attribution)}"
    if quote.stakeholder_type:
        source += f" ({md_line(quote.stakeholder_type)})"
    if quote.confidential:
        source += " **Confidential**"
    return [*lines, ">", f"> — {source}", ""]


def _mix(rows: Sequence[CountRow]) -> str:
    return ", ".join(f"{md_line(r.label)} {r.count}" for r in rows) or "none"


_DISPOSITIONS = (
    "The secretariat's answers to the {:,} comments of this digest (open: not yet answered)."
)


def _header(report: Report) -> list[str]:
    out = [f"# {md_line(report.title)}", ""]
    out += [
        f"- **Draft:** {md_line(report.draft_title)}, version {report.version_number}",
        f"- **Audience:** {report.audience}",
        f"- **Cut-off:** {report.cutoff}",
        f"- **Generated:** {report.generated}",
        f"- **Reference:** {md_line(report.reference)}",
        "",
    ]
    if report.working_group:
        out += ["> **Includes confidential comments: not for publication.**", ""]
    return out


def _overview(report: Report, by_day: Sequence[Mapping[str, Any]]) -> list[str]:
    period = f", filed from {report.period}" if report.period else ""
    out = ["## Figures", "", f"**{report.size}**{period}.", ""]
    out += ["Copies of the same text, or near copies, count as one distinct position.", ""]
    if report.confidential_note:
        out += [report.confidential_note, ""]
    if report.empty_sections:
        out += [md_line(report.empty_sections), ""]
    for title, name, rows in (
        ("Comments by section", "Section", report.by_section),
        ("Comments by stance", "Stance", report.by_stance),
        ("Comments by stakeholder type", "Stakeholder type", report.by_stakeholder_type),
        ("Comments by country", "Country", report.by_country),
        ("Comments by type", "Type", report.by_kind),
    ):
        out += [f"### {title}", "", *_counts(name, rows)]
    out += ["### Comments filed per day", ""]
    out += _table(("Day", "Comments"), ((str(d["day"]), d["count"]) for d in by_day))
    out += ["## Dispositions", "", _DISPOSITIONS.format(report.disposed_total)]
    out += ["", *_counts("Outcome", report.dispositions)]
    if report.answers:
        out += [report.answers, ""]
    if report.notes:
        out += ["### Notes", "", *(f"- {md_line(note)}" for note in report.notes), ""]
    return out


def _theme(theme: ThemeView) -> list[str]:
    about = f"{md_line(theme.key_phrase)} · " if theme.key_phrase else ""
    about += theme.size + (f" · in {theme.languages}" if theme.languages else "")
    out = [f"#### “{md_line(theme.label)}”", "", f"_{about}_", ""]
    if theme.held_by:
        out += [f"Held by {md_line(theme.held_by)}.", ""]
    line = f"Stakeholders: {_mix(theme.stakeholder_mix)}."
    line += f" Countries: {md_line(theme.countries)}." if theme.countries else ""
    line += f" Stances: {theme.stances}." if theme.stances else ""
    out += [line, ""]
    if theme.proposals:
        out += ["Proposed texts:", "", *(f"- {md_line(p)}" for p in theme.proposals), ""]
    for quote in theme.quotes:
        out += _quote(quote)
    return out


def _themes(section: SectionView) -> list[str]:
    out = ["### Themes", ""]
    for theme in section.themes:
        out += _theme(theme)
    if not section.themes:
        out += [md_line(section.no_themes), ""]
    if section.themes_more:
        out += [f"_{section.themes_more}_", ""]
    return out


def _claim(claim: ClaimView) -> list[str]:
    about = "Campaign · " if claim.campaign else ""
    about += f"{md_line(claim.where)} · {claim.summary}"
    about += f" · {md_line(claim.groups)}" if claim.groups else ""
    about += f" · stances: {claim.stances}" if claim.stances else ""
    about += f" · {md_line(claim.reference)}"
    about += " **Confidential**" if claim.confidential else ""
    return [f"> {line}" if line else ">" for line in md_escape(claim.label).split("\n")] + [
        ">",
        f"> — {about}",
        "",
    ]


def _briefing(report: Report) -> list[str]:
    briefing = report.briefing
    if briefing is None:
        return []
    who = f" from {briefing.respondents}" if briefing.respondents else ""
    out = ["## Key messages", "", f"**{report.size}**{who}.", ""]
    for number, claim in enumerate(briefing.key_messages, start=1):
        out += [f"### {number}.", "", *_claim(claim)]
    if briefing.group_wants:
        out += ["## What each stakeholder group wants", ""]
    for wants in briefing.group_wants:
        stances = f"stances: {wants.stances}" if wants.stances else "no stance taken"
        out += [f"### {md_line(wants.group)}", "", f"_{wants.summary} · {stances}_", ""]
        out += [f"- “{md_line(c.label)}” ({md_line(c.where)}; {c.summary})" for c in wants.claims]
        out += [""]
    if briefing.contested:
        out += ["## Most contested lines", ""]
    for line in briefing.contested:
        groups = f". By group: {md_line(line.groups)}" if line.groups else ""
        out += [f"- **{md_line(line.title)}**: {line.stances}. _{line.summary}{groups}._"]
    return [*out, ""]


def _changes(section: SectionView) -> list[str]:
    out = ["### Proposed changes", ""]
    for change in section.changes:
        out += [f"#### {change.title}", "", f"_{md_line(change.summary)}_", ""]
        for number, proposal in enumerate(change.proposals, start=1):
            text = md_escape(proposal.text).split("\n")
            out += [f"{number}. {text[0]}", *(f"   {line}" for line in text[1:] if line)]
            source = md_line(proposal.source)
            if proposal.confidential:
                source += " **Confidential**"
            out += ["", f"   _{source}_", ""]
        if change.more:
            out += [f"_{md_line(change.more)}_", ""]
    if not section.changes:
        out += ["No proposed changes.", ""]
    if section.changes_more:
        out += [f"_{section.changes_more}_", ""]
    return out


def _section(section: SectionView) -> list[str]:
    out = [f"## {md_line(section.heading)}", "", f"_{section.size}_", ""]
    if section.agreement is not None:
        out += ["### Stance by stakeholder type", ""]
        out += ["Shares are of the comments that took a stance.", ""]
        out += _stances(section.groups, section.agreement)
    return out + _themes(section) + _changes(section)


def _campaigns(report: Report) -> list[str]:
    out = ["## Campaigns", ""]
    out += [
        "One text filed by several distinct submitters (copied, edited or with a paragraph of "
        "their own added), shown once and counted as one position."
    ]
    out += [""]
    if report.campaigns_more:
        largest = len(report.campaigns)
        out += [f"_The {largest} largest are described here; {report.campaigns_more}_", ""]
    for number, campaign in enumerate(report.campaigns, start=1):
        references = md_line(", ".join(campaign.references))
        if campaign.more_references:
            references += f" and {campaign.more_references:,} more"
        out += [
            f"### Campaign {number}: {labels.plural(campaign.comments, 'comment')}",
            "",
            f"- **Copies:** {campaign.copies}",
            f"- **Signatories:** {campaign.submitters}",
            f"- **Organisations:** {md_line(campaign.organisation_list)}",
            f"- **Stakeholder mix:** {_mix(campaign.stakeholder_mix)}",
            f"- **Sections:** {md_line('; '.join(campaign.sections))}",
            f"- **References:** {references}",
            "",
        ]
        out += _quote(campaign.representative)
    if not report.campaigns:
        out += ["No campaign found.", ""]
    return out


def _repeats(report: Report) -> list[str]:
    if not report.repeats:
        return []
    out = ["## Repeats", "", "One text filed again by fewer submitters than a campaign needs.", ""]
    for repeat in report.repeats:
        out += [f"- {md_line(repeat.line)}", ""]
        out += _quote(repeat.representative)
    if report.repeats_more:
        out += [f"_{report.repeats_more}_", ""]
    return out


def _body(report: Report, by_day: Sequence[Mapping[str, Any]]) -> list[str]:
    out = _header(report) + _briefing(report) + _campaigns(report) + _overview(report, by_day)
    for section in report.sections:
        out += _section(section)
    return out + _repeats(report)


def digest_markdown(data: Mapping[str, Any], meta: DocumentMeta) -> str:
    """The digest as GitHub-flavoured Markdown: the same parts as the HTML document, charts
    given as tables, user text escaped."""
    lines = _body(build_report(data, meta), data["overview"].get("by_day", ()))
    return "\n".join(lines).rstrip() + "\n"
