"""The briefing part of a digest's report, in words: who responded, the key messages, what
each stakeholder group wants and the most contested lines. Every digest document opens
with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.exports import labels

from .charts import percent


@dataclass(frozen=True, slots=True)
class ClaimView:
    label: str
    reference: str
    where: str  # "Action 3" or "Action 3; Action 4"
    summary: str  # "98 comments from 92 respondents (40 organisations)"
    groups: str  # "Industry 50, Academia 20"
    stances: str  # "Support 40, Oppose 3" or "" when nobody took a stance
    campaign: bool
    confidential: bool


@dataclass(frozen=True, slots=True)
class GroupWantsView:
    group: str
    summary: str  # "120 comments from 80 respondents"
    stances: str
    claims: tuple[ClaimView, ...]


@dataclass(frozen=True, slots=True)
class ContestedView:
    title: str  # "Action 3, line 12"
    summary: str  # "14 comments from 12 respondents; 43% do not take the most frequent stance"
    stances: str
    groups: str  # "Industry: support (8); Civil society: oppose (5)"


@dataclass(frozen=True, slots=True)
class BriefingView:
    respondents: str  # "526 respondents: 500 organisations and 26 individuals"
    key_messages: tuple[ClaimView, ...]
    group_wants: tuple[GroupWantsView, ...]
    contested: tuple[ContestedView, ...]


def mix(rows: Sequence[Mapping[str, Any]], name: Any = labels.humanise) -> str:
    """``"Support 40, Oppose 3"``: counted keys in their order, the uncounted left out."""
    return ", ".join(
        f"{name(row['key'])} {labels.number(row['count'])}" for row in rows if row["count"]
    )


def stance_mix(rows: Sequence[Mapping[str, Any]]) -> str:
    """The stances taken, or "" when nobody took one."""
    return mix([row for row in rows if row["key"] != "none"], labels.stance)


def _where(keys: Sequence[str], heading: Mapping[str, str]) -> str:
    return "; ".join(heading.get(key, key).rstrip(".") for key in keys)


def respondents_line(overview: Mapping[str, Any]) -> str:
    total = overview.get("respondents", 0)
    if not total:
        return ""
    organisations = overview.get("organisations", 0)
    individuals = overview.get("individuals", 0)
    return _("%(respondents)s: %(organisations)s and %(individuals)s") % {
        "respondents": labels.respondents(total),
        "organisations": labels.organisations(organisations),
        "individuals": ngettext("%(count)s individual", "%(count)s individuals", individuals)
        % {"count": labels.number(individuals)},
    }


def claim_summary(comments: int, respondents: int, organisations: int) -> str:
    """``"98 comments from 92 respondents (40 organisations)"``."""
    counted = {
        "comments": labels.comments(comments),
        "respondents": labels.respondents(respondents),
        "organisations": labels.organisations(organisations),
    }
    if organisations:
        return _("%(comments)s from %(respondents)s (%(organisations)s)") % counted
    return _("%(comments)s from %(respondents)s") % counted


def _message(message: Mapping[str, Any], heading: Mapping[str, str]) -> ClaimView:
    return ClaimView(
        label=message["label"],
        reference=message["reference"],
        where=_where(message.get("section_keys", ()), heading),
        summary=claim_summary(
            message["comments"], message["respondents"], message.get("organisation_count", 0)
        ),
        groups=mix(message.get("groups", ()), labels.stakeholder_type),
        stances=stance_mix(message.get("stances", ())),
        campaign=message.get("kind") == "campaign",
        confidential=bool(message.get("confidential")),
    )


# A group's claims are named by their opening words: the key messages quote them in full.
SHORT_LABEL = 120


def short(label: str) -> str:
    """``label`` cut at a word before ``SHORT_LABEL`` characters, with an ellipsis."""
    if len(label) <= SHORT_LABEL:
        return label
    cut = label.rfind(" ", 0, SHORT_LABEL)
    return label[: cut if cut > 0 else SHORT_LABEL].rstrip(" ,;:") + "…"


def _wants(wants: Mapping[str, Any], heading: Mapping[str, str]) -> GroupWantsView:
    return GroupWantsView(
        group=labels.stakeholder_type(wants["group"]),
        summary=claim_summary(wants["comments"], wants["respondents"], 0),
        stances=stance_mix(wants.get("stances", ())),
        claims=tuple(
            ClaimView(
                label=short(claim["label"]),
                reference=claim["reference"],
                where=_where(claim.get("section_keys", ()), heading),
                summary=ngettext(
                    "%(count)s comment of this group",
                    "%(count)s comments of this group",
                    claim["comments"],
                )
                % {"count": labels.number(claim["comments"])},
                groups="",
                stances="",
                campaign=False,
                confidential=False,
            )
            for claim in wants.get("claims", ())
        ),
    )


def _contested(line: Mapping[str, Any], heading: Mapping[str, str]) -> ContestedView:
    groups = "; ".join(
        f"{labels.stakeholder_type(g['group'])}: {labels.stance(g['stance']).lower()} "
        f"({labels.number(g['comments'])})"
        for g in line.get("groups", ())
    )
    return ContestedView(
        title=_("%(section)s, %(lines)s")
        % {
            "section": _where([line["section_key"]], heading),
            "lines": labels.line_range(line["line_start"], line["line_end"]).lower(),
        },
        summary=_("%(size)s; %(share)s of those with a stance do not take the most frequent one")
        % {
            "size": claim_summary(line["comments"], line["respondents"], 0),
            "share": percent(line["disagreement"]),
        },
        stances=stance_mix(line.get("stances", ())),
        groups=groups,
    )


def briefing_view(data: Mapping[str, Any], heading: Mapping[str, str]) -> BriefingView:
    briefing = data.get("briefing") or {}
    return BriefingView(
        respondents=respondents_line(data["overview"]),
        key_messages=tuple(_message(m, heading) for m in briefing.get("key_messages", ())),
        group_wants=tuple(_wants(w, heading) for w in briefing.get("group_wants", ())),
        contested=tuple(_contested(c, heading) for c in briefing.get("contested_lines", ())),
    )
