"""Campaigns and repeats as a digest's documents show them: each campaign's template once
with its copies, own-text count, submitters and organisations (the first ones "and N more");
repeats in one line each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.exports import labels

from .rows import CountRow, ExcerptView, count_rows, excerpt_view

# A campaign of thousands of copies lists its first references and says how many more.
MAX_CAMPAIGN_REFERENCES = 10
# A campaign names its first organisations and says how many more (all are in the JSON).
MAX_CAMPAIGN_ORGANISATIONS = 10
# A campaign filed on many sections names its first ones and says how many more.
MAX_CAMPAIGN_SECTIONS = 3
# Repeats (one text filed again and again by one or two submitters) listed, largest first.
MAX_REPEATS_SHOWN = 30
# The largest campaigns are described one by one; the rest are counted (all are in the JSON).
MAX_CAMPAIGNS_SHOWN = 30
# A repeat names its first references and says how many more.
MAX_REPEAT_REFERENCES = 10


@dataclass(frozen=True, slots=True)
class CampaignView:
    comments: int
    signatories: int
    organisations: tuple[str, ...]
    stakeholder_mix: tuple[CountRow, ...]
    sections: tuple[str, ...]
    representative: ExcerptView
    includes_confidential: bool
    references: tuple[str, ...]
    more_references: int
    copies: str  # "40 copies, 23 of them with text of their own added"
    submitters: str  # "36 distinct submitters, 30 of them organisations"
    organisation_list: str  # "A; B; C and 17 more" or "none disclosed"


@dataclass(frozen=True, slots=True)
class RepeatView:
    line: str  # "Kumo AI filed one text 6 times: HAIP-V1-000001, … and 2 more"
    representative: ExcerptView


def campaigns_more(rest: Sequence[Mapping[str, Any]]) -> str:
    if not rest:
        return ""
    comments = sum(len(c["references"]) for c in rest)
    return ngettext(
        "%(count)s smaller campaign (%(comments)s) is listed in the JSON file.",
        "%(count)s smaller campaigns (%(comments)s) are listed in the JSON file.",
        len(rest),
    ) % {"count": labels.number(len(rest)), "comments": labels.comments(comments)}


def and_more(shown: str, hidden: int) -> str:
    """``"A; B; C and 17 more"``."""
    return ngettext("%(names)s and %(count)s more", "%(names)s and %(count)s more", hidden) % {
        "names": shown,
        "count": labels.number(hidden),
    }


def capped(names: Sequence[str], most: int) -> str:
    """``"A; B; C"``, or the first ``most`` names ``"and N more"``."""
    shown = "; ".join(names[:most])
    return and_more(shown, len(names) - most) if len(names) > most else shown


def campaign_view(campaign: Mapping[str, Any], heading: Mapping[str, str]) -> CampaignView:
    references = tuple(campaign["references"])
    organisations = tuple(campaign.get("organisations", ()))
    copies = campaign.get("copies") or len(references)
    own = campaign.get("with_own_text", 0)
    named = campaign.get("organisation_count", len(organisations))
    return CampaignView(
        copies=ngettext(
            "%(count)s copy, %(own)s of them with text of their own added",
            "%(count)s copies, %(own)s of them with text of their own added",
            copies,
        )
        % {"count": labels.number(copies), "own": labels.number(own)},
        submitters=ngettext(
            "%(count)s distinct submitter, %(organisations)s among them",
            "%(count)s distinct submitters, %(organisations)s among them",
            campaign["signatories"],
        )
        % {
            "count": labels.number(campaign["signatories"]),
            "organisations": ngettext(
                "%(count)s distinct organisation", "%(count)s distinct organisations", named
            )
            % {"count": labels.number(named)},
        },
        organisation_list=capped(organisations, MAX_CAMPAIGN_ORGANISATIONS) or _("none disclosed"),
        comments=len(references),
        signatories=campaign["signatories"],
        organisations=tuple(campaign.get("organisations", ())),
        stakeholder_mix=count_rows(campaign.get("stakeholder_mix", ()), labels.stakeholder_type),
        sections=_sections(campaign.get("section_keys", ()), heading),
        representative=excerpt_view(campaign["representative"]),
        includes_confidential=bool(campaign.get("includes_confidential")),
        references=references[:MAX_CAMPAIGN_REFERENCES],
        more_references=max(0, len(references) - MAX_CAMPAIGN_REFERENCES),
    )


def _sections(keys: Sequence[str], heading: Mapping[str, str]) -> tuple[str, ...]:
    named = [heading.get(key, key).rstrip(".") for key in keys[:MAX_CAMPAIGN_SECTIONS]]
    if len(keys) > MAX_CAMPAIGN_SECTIONS:
        hidden = len(keys) - MAX_CAMPAIGN_SECTIONS
        named.append(
            ngettext("and %(count)s more section", "and %(count)s more sections", hidden)
            % {"count": labels.number(hidden)}
        )
    return tuple(named)


def repeat_view(repeat: Mapping[str, Any]) -> RepeatView:
    references = list(repeat["references"])
    who = capped(list(repeat.get("organisations", ())), 3) or _("A submitter")
    listed = ", ".join(references[:MAX_REPEAT_REFERENCES])
    if len(references) > MAX_REPEAT_REFERENCES:
        listed = and_more(listed, len(references) - MAX_REPEAT_REFERENCES)
    if repeat.get("includes_confidential"):
        line = ngettext(
            "%(who)s filed one text %(count)s time (includes confidential comments): %(listed)s",
            "%(who)s filed one text %(count)s times (includes confidential comments): %(listed)s",
            len(references),
        )
    else:
        line = ngettext(
            "%(who)s filed one text %(count)s time: %(listed)s",
            "%(who)s filed one text %(count)s times: %(listed)s",
            len(references),
        )
    return RepeatView(
        line=line % {"who": who, "count": labels.number(len(references)), "listed": listed},
        representative=excerpt_view(repeat["representative"]),
    )


def repeats_more(rest: Sequence[Mapping[str, Any]]) -> str:
    if not rest:
        return ""
    comments = sum(len(r["references"]) for r in rest)
    return ngettext(
        "%(count)s more repeat (%(comments)s) is listed in the JSON file.",
        "%(count)s more repeats (%(comments)s) are listed in the JSON file.",
        len(rest),
    ) % {"count": labels.number(len(rest)), "comments": labels.comments(comments)}
