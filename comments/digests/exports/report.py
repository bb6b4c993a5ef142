"""A digest's data arranged for reading: words instead of keys, sections in the draft's order
with their agreement, themes and proposed changes. Every digest export is written from it, so
the HTML, PDF, Word and Markdown files say the same thing."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comments.exports import labels

from .briefing_report import BriefingView, briefing_view
from .campaign_report import (
    MAX_CAMPAIGN_ORGANISATIONS,
    MAX_CAMPAIGN_REFERENCES,
    MAX_CAMPAIGNS_SHOWN,
    MAX_REPEATS_SHOWN,
    CampaignView,
    RepeatView,
    campaign_view,
    campaigns_more,
    capped,
    repeat_view,
    repeats_more,
)
from .charts import percent
from .meta import DocumentMeta, check_audience
from .rows import CountRow, ExcerptView, count_rows
from .theme_report import ThemeView, size, theme_view

__all__ = [
    "MAX_CAMPAIGNS_SHOWN",
    "MAX_CAMPAIGN_ORGANISATIONS",
    "MAX_CAMPAIGN_REFERENCES",
    "MAX_REPEATS_SHOWN",
    "CampaignView",
    "CountRow",
    "ExcerptView",
    "RepeatView",
    "Report",
    "ThemeView",
    "build_report",
    "capped",
]

# Proposals listed per range in the documents: those made in more than one comment, most
# supported first, up to this many; where each proposal was made once, the first as an
# example. Every one of them stays in the JSON file and the comment matrix.
MAX_PROPOSALS_SHOWN = 3
# The fewest distinct positions a section needs for themes: the synthesis's own rule
# (``synthesis.themes.MIN_POSITIONS_FOR_THEMES``, which web processes do not load).
MIN_POSITIONS_FOR_THEMES = 20
# The largest themes of a section are described; the rest are counted (all are in the JSON).
MAX_THEMES_SHOWN = 5
# The line ranges of a section with most proposing comments are described, the rest counted.
MAX_CHANGES_SHOWN = 5
# A proposal made in many comments names its first references and organisations, and counts
# the rest.
MAX_PROPOSAL_REFERENCES = 10


@dataclass(frozen=True, slots=True)
class StanceRow:
    group: str
    total: int
    support: int
    oppose: int
    amend: int
    no_stance: int
    support_share: str
    oppose_share: str
    amend_share: str


# The columns of a stance table, and a row's cells (shares after their counts).
STANCE_HEADERS = (
    gettext_lazy("Stakeholder type"),
    gettext_lazy("Comments"),
    gettext_lazy("Support"),
    gettext_lazy("Oppose"),
    gettext_lazy("Amend"),
    gettext_lazy("No stance"),
)


def stance_headers() -> tuple[str, ...]:
    """The stance table's column headings in the active language."""
    return tuple(str(header) for header in STANCE_HEADERS)


def stance_cells(row: StanceRow) -> tuple[object, ...]:
    return (
        row.group,
        row.total,
        f"{row.support} ({row.support_share})",
        f"{row.oppose} ({row.oppose_share})",
        f"{row.amend} ({row.amend_share})",
        row.no_stance,
    )


@dataclass(frozen=True, slots=True)
class ProposalView:
    text: str
    source: str  # "Lines 12–14 · proposed in 2 comments: R-1, R-2 (Org A; Org B)"
    count: int
    references: tuple[str, ...]
    organisations: tuple[str, ...]
    confidential: bool


@dataclass(frozen=True, slots=True)
class ChangeView:
    title: str  # "Lines 12–14"
    summary: str  # "3 comments propose new text (the range spans …)."
    comments: int
    sections: tuple[str, ...]  # headings of every section the range touches
    proposals: tuple[ProposalView, ...]
    more: str  # "12 more distinct proposals, from 15 comments, …" or ""


@dataclass(frozen=True, slots=True)
class SectionView:
    key: str
    heading: str
    size: str  # "12 comments (40% of all)"
    agreement: StanceRow | None
    groups: tuple[StanceRow, ...]
    themes: tuple[ThemeView, ...]
    changes: tuple[ChangeView, ...]
    no_themes: str = ""  # why a section has no themes, when it has none
    themes_more: str = ""  # "3 smaller themes (40 comments) are in the JSON file." or ""
    changes_more: str = ""  # "12 more line ranges with proposals (30 comments) are …" or ""


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    draft_title: str
    version_number: int
    reference: str
    audience: str
    working_group: bool
    cutoff: str
    generated: str
    period: str
    size: str  # "120 comments, 97 distinct positions"
    comments: int
    distinct_positions: int
    confidential: int
    confidential_note: str
    by_section: tuple[CountRow, ...]
    by_kind: tuple[CountRow, ...]
    by_stance: tuple[CountRow, ...]
    by_stakeholder_type: tuple[CountRow, ...]
    by_country: tuple[CountRow, ...]
    by_language: tuple[CountRow, ...]
    dispositions: tuple[CountRow, ...]
    disposed_total: int
    sections: tuple[SectionView, ...]
    empty_sections: str  # "No comments in this digest on: Preamble; 4. …." or ""
    campaigns: tuple[CampaignView, ...]
    campaigns_more: str  # "12 smaller campaigns (150 comments) are in the JSON file." or ""
    notes: tuple[str, ...]
    repeats: tuple[RepeatView, ...] = ()
    repeats_more: str = ""  # "4 more repeats (9 comments) are in the JSON file." or ""
    briefing: BriefingView | None = None
    answers: str = ""  # "Commenters accepted 4 answers and objected to 2." or ""


def _natural(key: str) -> tuple[Any, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key))


def section_order(keys: Sequence[str], titles: Mapping[str, str]) -> list[str]:
    """``keys`` in the draft's order (that of ``titles``), unknown keys last in natural order."""
    wanted = set(keys)
    known = [key for key in titles if key in wanted]
    return known + sorted(wanted - set(titles), key=_natural)


def _stance_row(counts: Mapping[str, Any], group: str) -> StanceRow:
    return StanceRow(
        group=group,
        total=counts["total"],
        support=counts["support"],
        oppose=counts["oppose"],
        amend=counts["amend"],
        no_stance=counts["no_stance"],
        support_share=percent(counts["support_share"]),
        oppose_share=percent(counts["oppose_share"]),
        amend_share=percent(counts["amend_share"]),
    )


def _first(names: Sequence[str], separator: str, organisations: bool) -> str:
    """The first ``MAX_PROPOSAL_REFERENCES`` names, and how many more there are."""
    shown = separator.join(names[:MAX_PROPOSAL_REFERENCES])
    hidden = len(names) - MAX_PROPOSAL_REFERENCES
    if hidden <= 0:
        return shown
    if organisations:
        more = ngettext(
            "%(names)s and %(count)s more organisation",
            "%(names)s and %(count)s more organisations",
            hidden,
        )
    else:
        more = ngettext("%(names)s and %(count)s more", "%(names)s and %(count)s more", hidden)
    return more % {"names": shown, "count": labels.number(hidden)}


def _proposal(proposal: Mapping[str, Any]) -> ProposalView:
    references = tuple(proposal["references"])
    organisations = tuple(o for o in proposal.get("organisations", ()) if o)
    source = ngettext(
        "%(lines)s · proposed in %(count)s comment: %(references)s",
        "%(lines)s · proposed in %(count)s comments: %(references)s",
        len(references),
    ) % {
        "lines": labels.line_range(proposal["line_start"], proposal["line_end"]),
        "count": labels.number(len(references)),
        "references": _first(references, ", ", organisations=False),
    }
    if organisations:
        source += f" ({_first(organisations, '; ', organisations=True)})"
    return ProposalView(
        text=proposal["text"],
        source=source,
        count=len(references),
        references=references,
        organisations=organisations,
        confidential=bool(proposal.get("confidential")),
    )


def _change(group: Mapping[str, Any], heading: Mapping[str, str]) -> ChangeView:
    comments = group["comments"]
    sections = tuple(heading.get(key, key) for key in group.get("section_keys", ()))
    counted = {"count": labels.number(comments), "sections": "; ".join(sections)}
    if len(sections) > 1:
        summary = ngettext(
            "%(count)s comment proposes new text (the range spans %(sections)s).",
            "%(count)s comments propose new text (the range spans %(sections)s).",
            comments,
        )
    else:
        summary = ngettext(
            "%(count)s comment proposes new text.", "%(count)s comments propose new text.", comments
        )
    proposals = sorted(
        group.get("proposals", ()),
        key=lambda p: (-len(p["references"]), p["line_start"], p["line_end"], p["text"]),
    )
    shared = sum(1 for p in proposals[:MAX_PROPOSALS_SHOWN] if len(p["references"]) > 1)
    shown, rest = proposals[: shared or 1], proposals[shared or 1 :]
    more = ""
    if rest:
        more = ngettext(
            "%(count)s more distinct proposal, from %(comments)s, in the comment matrix and "
            "the JSON file.",
            "%(count)s more distinct proposals, from %(comments)s, in the comment matrix and "
            "the JSON file.",
            len(rest),
        ) % {
            "count": labels.number(len(rest)),
            "comments": labels.comments(sum(len(p["references"]) for p in rest)),
        }
    return ChangeView(
        title=labels.line_range(group["line_start"], group["line_end"]),
        summary=summary % counted,
        comments=comments,
        sections=sections,
        proposals=tuple(_proposal(p) for p in shown),
        more=more,
    )


def _empty_sections(headings: Sequence[str]) -> str:
    if not headings:
        return ""
    return _("No comments in this digest on: %(sections)s.") % {
        "sections": "; ".join(h.rstrip(".") for h in headings)
    }


def _confidential_note(confidential: int, working_group: bool) -> str:
    if not confidential:
        return ""
    if working_group:
        note = ngettext(
            "Includes %(count)s confidential comment, marked Confidential: not for publication.",
            "Includes %(count)s confidential comments, marked Confidential: not for publication.",
            confidential,
        )
    else:
        note = ngettext(
            "The total includes %(count)s confidential comment, counted there and nowhere "
            "else: every other figure, theme, quote and proposal in this digest comes from "
            "public comments only.",
            "The total includes %(count)s confidential comments, counted there and nowhere "
            "else: every other figure, theme, quote and proposal in this digest comes from "
            "public comments only.",
            confidential,
        )
    return note % {"count": labels.number(confidential)}


def _answers(dispositions: Mapping[str, Any]) -> str:
    accepted, objected = dispositions.get("accepted", 0), dispositions.get("objected", 0)
    if not accepted and not objected:
        return ""
    objections = ngettext(
        "objected to %(count)s answer", "objected to %(count)s answers", objected
    ) % {"count": labels.number(objected)}
    return ngettext(
        "Commenters accepted %(count)s answer and %(objections)s.",
        "Commenters accepted %(count)s answers and %(objections)s.",
        accepted,
    ) % {"count": labels.number(accepted), "objections": objections}


def _most_proposed(found: Sequence[ChangeView]) -> tuple[ChangeView, ...]:
    """The ``MAX_CHANGES_SHOWN`` ranges with most proposing comments, in line order."""
    ranked = sorted(found, key=lambda c: -c.comments)[:MAX_CHANGES_SHOWN]
    return tuple(c for c in found if any(c is r for r in ranked))


def _changes_more(found: Sequence[ChangeView]) -> str:
    rest = sorted(found, key=lambda c: -c.comments)[MAX_CHANGES_SHOWN:]
    if not rest:
        return ""
    return ngettext(
        "%(count)s more line range with proposed text (%(comments)s) is in the comment matrix "
        "and the JSON file.",
        "%(count)s more line ranges with proposed text (%(comments)s) are in the comment "
        "matrix and the JSON file.",
        len(rest),
    ) % {
        "count": labels.number(len(rest)),
        "comments": labels.comments(sum(c.comments for c in rest)),
    }


def _themes_more(rest: Sequence[Mapping[str, Any]]) -> str:
    if not rest:
        return ""
    return ngettext(
        "%(count)s smaller theme (%(comments)s) is in the JSON file.",
        "%(count)s smaller themes (%(comments)s) are in the JSON file.",
        len(rest),
    ) % {
        "count": labels.number(len(rest)),
        "comments": labels.comments(sum(t["comments"] for t in rest)),
    }


def _took_a_stance(counts: Mapping[str, Any]) -> bool:
    return bool(counts["support"] or counts["oppose"] or counts["amend"])


def _no_themes(comments: int) -> str:
    if comments < MIN_POSITIONS_FOR_THEMES:
        return _(
            "Themes are drawn from at least %(count)s distinct positions; this section's "
            "comments are read one by one in the comment matrix."
        ) % {"count": MIN_POSITIONS_FOR_THEMES}
    return _("No recurring theme found.")


def _sections(
    data: Mapping[str, Any], order: Sequence[str], heading: Mapping[str, str]
) -> tuple[SectionView, ...]:
    """Each section in ``order`` with its agreement, themes and the proposed changes that
    start in it (a change over several sections is shown under the first of them)."""
    first_section = {key: index for index, key in enumerate(order)}
    by_section = {c["key"]: c for c in data["overview"].get("by_section", ())}
    agreement = {a["section_key"]: a for a in data.get("agreement", ())}
    changes: dict[str, list[ChangeView]] = {}
    for group in data.get("changes", ()):
        keys = sorted(group.get("section_keys", ()), key=lambda k: first_section.get(k, 10**6))
        if keys:
            changes.setdefault(keys[0], []).append(_change(group, heading))
    sections = []
    for key in order:
        counted = by_section.get(key, {"count": 0, "share": 0.0})
        agreed = agreement.get(key)
        if agreed and not _took_a_stance(agreed["overall"]):
            agreed = None  # a table of zeros says nothing
        found = [t for t in data.get("themes", ()) if t["section_key"] == key]
        themes = tuple(theme_view(t) for t in found[:MAX_THEMES_SHOWN])
        sections.append(
            SectionView(
                key=key,
                heading=heading[key],
                size=_("%(comments)s (%(share)s of all)")
                % {
                    "comments": labels.comments(counted["count"]),
                    "share": percent(counted["share"]),
                },
                agreement=_stance_row(agreed["overall"], _("All")) if agreed else None,
                groups=tuple(
                    _stance_row(g, labels.stakeholder_type(g["group"]))
                    for g in (agreed or {}).get("by_stakeholder_type", ())
                ),
                themes=themes,
                changes=_most_proposed(changes.get(key, [])),
                changes_more=_changes_more(changes.get(key, [])),
                no_themes="" if themes else _no_themes(counted["count"]),
                themes_more=_themes_more(found[MAX_THEMES_SHOWN:]),
            )
        )
    return tuple(sections)


def build_report(data: Mapping[str, Any], meta: DocumentMeta) -> Report:
    """The digest ``data`` (``Synthesis.to_dict()``, built for ``meta.audience``) arranged for
    reading, with ``meta``'s section headings."""
    check_audience(data, meta.audience)
    overview = data["overview"]
    titles = meta.section_titles
    heading = {key: titles.get(key, key) for key in {*titles, *data.get("sections", ())}}
    order = section_order(data.get("sections", ()), titles)
    first_section = {key: index for index, key in enumerate(order)}
    sections = _sections(data, order, heading)
    days = [str(d["day"]) for d in overview.get("by_day", ())]
    period = ""
    if days:
        period = _("%(first)s to %(last)s") % {
            "first": labels.moment(min(days)),
            "last": labels.moment(max(days)),
        }
    working_group = meta.audience == "working_group"
    dispositions = data.get("dispositions", {})
    campaigns = sorted(
        data.get("campaigns", ()), key=lambda c: (-len(c["references"]), c["references"][0])
    )
    repeats = data.get("repeats", ())
    return Report(
        title=meta.title,
        draft_title=meta.draft_title,
        version_number=meta.version_number,
        reference=meta.reference,
        audience=labels.audience(meta.audience),
        working_group=working_group,
        cutoff=labels.moment(meta.cutoff) or _("none (every comment filed when generated)"),
        generated=labels.moment(meta.generated_at),
        period=period,
        size=size(overview["comments"], overview["distinct_positions"]),
        comments=overview["comments"],
        distinct_positions=overview["distinct_positions"],
        confidential=overview.get("confidential", 0),
        confidential_note=_confidential_note(overview.get("confidential", 0), working_group),
        by_section=count_rows(overview.get("by_section", ()), lambda key: heading.get(key, key)),
        by_kind=count_rows(overview.get("by_kind", ())),
        by_stance=count_rows(overview.get("by_stance", ()), labels.stance),
        by_stakeholder_type=count_rows(
            overview.get("by_stakeholder_type", ()), labels.stakeholder_type
        ),
        by_country=count_rows(overview.get("by_country", ()), labels.country),
        by_language=count_rows(overview.get("by_language", ()), labels.language),
        dispositions=count_rows(dispositions.get("counts", ())),
        disposed_total=dispositions.get("total", 0),
        sections=sections,
        empty_sections=_empty_sections([titles[key] for key in titles if key not in first_section]),
        campaigns=tuple(campaign_view(c, heading) for c in campaigns[:MAX_CAMPAIGNS_SHOWN]),
        campaigns_more=campaigns_more(campaigns[MAX_CAMPAIGNS_SHOWN:]),
        notes=tuple(data.get("notes", ())),
        repeats=tuple(repeat_view(r) for r in repeats[:MAX_REPEATS_SHOWN]),
        repeats_more=repeats_more(repeats[MAX_REPEATS_SHOWN:]),
        briefing=briefing_view(data, heading),
        answers=_answers(dispositions),
    )
