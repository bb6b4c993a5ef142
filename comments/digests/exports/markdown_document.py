"""A digest as GitHub-flavoured Markdown, with comment text escaped so that it reads as the
commenter typed it: never as a heading, a list, a link, a table cell break or raw HTML."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.exports import labels

from .briefing_report import ClaimView
from .meta import DocumentMeta
from .report import (
    CountRow,
    ExcerptView,
    Report,
    SectionView,
    StanceRow,
    ThemeView,
    build_report,
    stance_cells,
    stance_headers,
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
    rows_out = ((r.label, labels.number(r.count), r.share) for r in rows)
    return _table((name, _("Comments"), _("Share")), rows_out)


def _stances(groups: Sequence[StanceRow], overall: StanceRow) -> list[str]:
    return _table(stance_headers(), (stance_cells(r) for r in (*groups, overall)))


def _quote(quote: ExcerptView) -> list[str]:
    lines = [f"> {line}" if line else ">" for line in md_escape(quote.text).split("\n")]
    source = f"{md_line(quote.reference)}, {md_line(quote.attribution)}"
    if quote.stakeholder_type:
        source += f" ({md_line(quote.stakeholder_type)})"
    if quote.language_name:
        source += f" · {_('in %(language)s') % {'language': quote.language_name}}"
    if quote.confidential:
        source += f" **{_('Confidential')}**"
    return [*lines, ">", f"> — {source}", ""]


def _mix(rows: Sequence[CountRow]) -> str:
    return ", ".join(f"{md_line(r.label)} {labels.number(r.count)}" for r in rows) or _("none")


def _dispositions(total: int) -> str:
    return ngettext(
        "The secretariat's answers to the %(count)s comment of this digest (open: not yet "
        "answered).",
        "The secretariat's answers to the %(count)s comments of this digest (open: not yet "
        "answered).",
        total,
    ) % {"count": labels.number(total)}


def _header(report: Report) -> list[str]:
    out = [f"# {md_line(report.title)}", ""]
    out += [
        f"- **{_('Draft')}:** "
        + _("%(draft_title)s, version %(version_number)s")
        % {"draft_title": md_line(report.draft_title), "version_number": report.version_number},
        f"- **{_('Audience')}:** {report.audience}",
        f"- **{_('Cut-off')}:** {report.cutoff}",
        f"- **{_('Generated')}:** {report.generated}",
        f"- **{_('Reference')}:** {md_line(report.reference)}",
        "",
    ]
    if report.working_group:
        warning = _("includes confidential comments: not for publication")
        out += [f"> **{warning[:1].upper()}{warning[1:]}.**", ""]
    return out


def _overview(report: Report, by_day: Sequence[Mapping[str, Any]]) -> list[str]:
    period = _(", filed from %(period)s") % {"period": report.period} if report.period else ""
    out = [f"## {_('Figures')}", "", f"**{report.size}**{period}.", ""]
    out += [_("Copies of the same text, or near copies, count as one distinct position."), ""]
    if report.confidential_note:
        out += [report.confidential_note, ""]
    if report.empty_sections:
        out += [md_line(report.empty_sections), ""]
    for title, name, rows in (
        (_("Comments by section"), _("Section"), report.by_section),
        (_("Comments by stance"), _("Stance"), report.by_stance),
        (_("Comments by stakeholder type"), _("Stakeholder type"), report.by_stakeholder_type),
        (_("Comments by country"), _("Country"), report.by_country),
        (_("Comments by type"), _("Type"), report.by_kind),
        (_("Comments by language"), _("Language"), report.by_language),
    ):
        out += [f"### {title}", "", *_counts(name, rows)]
    out += [f"### {_('Comments filed per day')}", ""]
    out += _table((_("Day"), _("Comments")), ((str(d["day"]), d["count"]) for d in by_day))
    out += [f"## {_('Dispositions')}", "", _dispositions(report.disposed_total)]
    out += ["", *_counts(_("Outcome"), report.dispositions)]
    if report.answers:
        out += [report.answers, ""]
    if report.notes:
        out += [f"### {_('Notes')}", "", *(f"- {md_line(note)}" for note in report.notes), ""]
    return out


def _theme(theme: ThemeView) -> list[str]:
    about = f"{md_line(theme.key_phrase)} · " if theme.key_phrase else ""
    about += theme.size
    about += (
        " " + _("· in %(languages)s") % {"languages": theme.languages} if theme.languages else ""
    )
    out = [f"#### “{md_line(theme.label)}”", "", f"_{about}_", ""]
    if theme.held_by:
        out += [_("Held by %(held_by)s.") % {"held_by": md_line(theme.held_by)}, ""]
    line = f"{_('Stakeholders:')} {_mix(theme.stakeholder_mix)}."
    if theme.countries:
        line += " " + _("Countries: %(countries)s.") % {"countries": md_line(theme.countries)}
    line += " " + _("Stances: %(stances)s.") % {"stances": theme.stances} if theme.stances else ""
    out += [line, ""]
    if theme.proposals:
        out += [_("Proposed texts:"), "", *(f"- {md_line(p)}" for p in theme.proposals), ""]
    for quote in theme.quotes:
        out += _quote(quote)
    return out


def _themes(section: SectionView) -> list[str]:
    out = [f"### {_('Themes')}", ""]
    for theme in section.themes:
        out += _theme(theme)
    if not section.themes:
        out += [md_line(section.no_themes), ""]
    if section.themes_more:
        out += [f"_{section.themes_more}_", ""]
    return out


def _claim(claim: ClaimView) -> list[str]:
    about = _("Campaign ·") + " " if claim.campaign else ""
    about += f"{md_line(claim.where)} · {claim.summary}"
    about += f" · {md_line(claim.groups)}" if claim.groups else ""
    about += " " + _("· stances: %(stances)s") % {"stances": claim.stances} if claim.stances else ""
    about += f" · {md_line(claim.reference)}"
    about += f" **{_('Confidential')}**" if claim.confidential else ""
    return [f"> {line}" if line else ">" for line in md_escape(claim.label).split("\n")] + [
        ">",
        f"> — {about}",
        "",
    ]


def _briefing(report: Report) -> list[str]:
    briefing = report.briefing
    if briefing is None:
        return []
    who = " " + _("from %(respondents)s") % {"respondents": briefing.respondents}
    who = who if briefing.respondents else ""
    out = [f"## {_('Key messages')}", "", f"**{report.size}**{who}.", ""]
    for number, claim in enumerate(briefing.key_messages, start=1):
        out += [f"### {number}.", "", *_claim(claim)]
    if briefing.group_wants:
        out += [f"## {_('What each stakeholder group wants')}", ""]
    for wants in briefing.group_wants:
        stances = (
            _("stances: %(stances)s") % {"stances": wants.stances}
            if wants.stances
            else _("no stance taken")
        )
        out += [f"### {md_line(wants.group)}", "", f"_{wants.summary} · {stances}_", ""]
        out += [f"- “{md_line(c.label)}” ({md_line(c.where)}; {c.summary})" for c in wants.claims]
        out += [""]
    if briefing.contested:
        out += [f"## {_('Most contested lines')}", ""]
    for line in briefing.contested:
        groups = (
            _(". By group: %(groups)s") % {"groups": md_line(line.groups)} if line.groups else ""
        )
        out += [f"- **{md_line(line.title)}**: {line.stances}. _{line.summary}{groups}._"]
    return [*out, ""]


def _changes(section: SectionView) -> list[str]:
    out = [f"### {_('Proposed changes')}", ""]
    for change in section.changes:
        out += [f"#### {change.title}", "", f"_{md_line(change.summary)}_", ""]
        for number, proposal in enumerate(change.proposals, start=1):
            text = md_escape(proposal.text).split("\n")
            out += [f"{number}. {text[0]}", *(f"   {line}" for line in text[1:] if line)]
            source = md_line(proposal.source)
            if proposal.confidential:
                source += f" **{_('Confidential')}**"
            out += ["", f"   _{source}_", ""]
        if change.more:
            out += [f"_{md_line(change.more)}_", ""]
    if not section.changes:
        out += [_("No proposed changes."), ""]
    if section.changes_more:
        out += [f"_{section.changes_more}_", ""]
    return out


def _section(section: SectionView) -> list[str]:
    out = [f"## {md_line(section.heading)}", "", f"_{section.size}_", ""]
    if section.agreement is not None:
        out += [f"### {_('Stance by stakeholder type')}", ""]
        out += [_("Shares are of the comments that took a stance."), ""]
        out += _stances(section.groups, section.agreement)
    return out + _themes(section) + _changes(section)


def _campaigns(report: Report) -> list[str]:
    out = [f"## {_('Campaigns')}", ""]
    out += [
        _(
            "One text filed by several distinct submitters (copied, edited or with a paragraph "
            "of their own added), shown once and counted as one position."
        )
    ]
    out += [""]
    if report.campaigns_more:
        largest = len(report.campaigns)
        described = _("The %(campaigns)s largest are described here; %(campaigns_more)s") % {
            "campaigns": largest,
            "campaigns_more": report.campaigns_more,
        }
        out += [f"_{described}_", ""]
    for number, campaign in enumerate(report.campaigns, start=1):
        references = md_line(", ".join(campaign.references))
        if campaign.more_references:
            references += " " + _("and %(more_references)s more") % {
                "more_references": labels.number(campaign.more_references)
            }
        heading = ngettext(
            "Campaign %(number)s: %(count)s comment",
            "Campaign %(number)s: %(count)s comments",
            campaign.comments,
        ) % {"number": number, "count": labels.number(campaign.comments)}
        out += [
            f"### {heading}",
            "",
            f"- **{_('Copies')}:** {campaign.copies}",
            f"- **{_('Signatories')}:** {campaign.submitters}",
            f"- **{_('Organisations')}:** {md_line(campaign.organisation_list)}",
            f"- **{_('Stakeholder mix')}:** {_mix(campaign.stakeholder_mix)}",
            f"- **{_('Sections')}:** {md_line('; '.join(campaign.sections))}",
            f"- **{_('References')}:** {references}",
            "",
        ]
        out += _quote(campaign.representative)
    if not report.campaigns:
        out += [_("No campaign found."), ""]
    return out


def _repeats(report: Report) -> list[str]:
    if not report.repeats:
        return []
    out = [f"## {_('Repeats')}", ""]
    out += [_("One text filed again by fewer submitters than a campaign needs."), ""]
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
