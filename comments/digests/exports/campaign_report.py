"""Campaigns and repeats as a digest's documents show them: each campaign's template once
with its copies, own-text count, submitters and organisations (the first ones "and N more");
repeats in one line each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
    return (
        f"{labels.plural(len(rest), 'smaller campaign')} "
        f"({labels.plural(comments, 'comment')}) are listed in the JSON file."
    )


def capped(names: Sequence[str], most: int) -> str:
    """``"A; B; C"``, or the first ``most`` names ``"and N more"``."""
    shown = "; ".join(names[:most])
    return f"{shown} and {len(names) - most:,} more" if len(names) > most else shown


def campaign_view(campaign: Mapping[str, Any], heading: Mapping[str, str]) -> CampaignView:
    references = tuple(campaign["references"])
    organisations = tuple(campaign.get("organisations", ()))
    copies = campaign.get("copies") or len(references)
    own = campaign.get("with_own_text", 0)
    named = campaign.get("organisation_count", len(organisations))
    return CampaignView(
        copies=f"{labels.plural(copies, 'copy', 'copies')}, {own:,} of them with text of "
        "their own added",
        submitters=f"{labels.plural(campaign['signatories'], 'distinct submitter')}, "
        f"{labels.plural(named, 'distinct organisation')} among them",
        organisation_list=capped(organisations, MAX_CAMPAIGN_ORGANISATIONS) or "none disclosed",
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
        named.append(f"and {labels.plural(len(keys) - MAX_CAMPAIGN_SECTIONS, 'more section')}")
    return tuple(named)


def repeat_view(repeat: Mapping[str, Any]) -> RepeatView:
    references = list(repeat["references"])
    who = capped(list(repeat.get("organisations", ())), 3) or "A submitter"
    listed = ", ".join(references[:MAX_REPEAT_REFERENCES])
    if len(references) > MAX_REPEAT_REFERENCES:
        listed += f" and {len(references) - MAX_REPEAT_REFERENCES:,} more"
    marked = " (includes confidential comments)" if repeat.get("includes_confidential") else ""
    return RepeatView(
        line=f"{who} filed one text {len(references):,} times{marked}: {listed}",
        representative=excerpt_view(repeat["representative"]),
    )


def repeats_more(rest: Sequence[Mapping[str, Any]]) -> str:
    if not rest:
        return ""
    comments = sum(len(r["references"]) for r in rest)
    return (
        f"{labels.plural(len(rest), 'more repeat')} "
        f"({labels.plural(comments, 'comment')}) are listed in the JSON file."
    )
