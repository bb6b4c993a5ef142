"""The briefing a working group reads first: the key messages (the claims held by most
submitters, across groups), what each stakeholder group wants, and the most contested lines.

Claims are the themes and the campaigns of the synthesis: a campaign is one claim however
many copies it has, and its weight is its distinct submitters, as a theme's is. A theme
labelled by a sentence of a campaign's letter holds that campaign: the theme stands for both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .types import (
    NO_STANCE,
    STANCES,
    Briefing,
    Campaign,
    CommentRecord,
    ContestedLine,
    Count,
    GroupClaim,
    GroupStance,
    GroupWants,
    KeyMessage,
    Theme,
    counts,
)

KEY_MESSAGES = 5
CLAIMS_PER_GROUP = 3
CONTESTED_LINES = 5
# A range is contested when at least this many comments took a stance on it and at least a
# fifth of them do not take the most frequent stance.
CONTESTED_MIN_STANCES = 4
CONTESTED_MIN_DISAGREEMENT = 0.2


@dataclass(frozen=True, slots=True)
class _Claim:
    message: KeyMessage
    by_group: Counter[str]


def _theme_claim(theme: Theme) -> _Claim:
    groups = Counter({c.key: c.count for c in theme.stakeholder_mix})
    message = KeyMessage(
        kind="theme",
        label=theme.label,
        reference=theme.label_reference,
        section_keys=(theme.section_key,),
        comments=theme.comments,
        respondents=theme.respondents,
        organisation_count=theme.organisation_count,
        groups=theme.stakeholder_mix,
        stances=theme.stance_mix,
        confidential=theme.confidential,
    )
    return _Claim(message, groups)


def _campaign_claim(campaign: Campaign, stances: tuple[Count, ...]) -> _Claim:
    groups = Counter({c.key: c.count for c in campaign.stakeholder_mix})
    message = KeyMessage(
        kind="campaign",
        label=campaign.representative.text,
        reference=campaign.representative.reference,
        section_keys=campaign.section_keys,
        comments=len(campaign.references),
        respondents=campaign.signatories,
        organisation_count=campaign.organisation_count,
        groups=campaign.stakeholder_mix,
        stances=stances,
        confidential=campaign.includes_confidential,
    )
    return _Claim(message, groups)


def _claims(
    records: Sequence[CommentRecord], themes: Sequence[Theme], campaigns: Sequence[Campaign]
) -> list[_Claim]:
    stance_of = {r.reference: r.stance or NO_STANCE for r in records}
    found = [_theme_claim(t) for t in themes if t.label_reference]
    labelled = {t.label_reference for t in themes}
    for campaign in campaigns:
        if labelled.intersection(campaign.references):
            continue  # a theme speaks for it in the campaign's own words, with its signers

        stances = counts(Counter(stance_of.get(ref, NO_STANCE) for ref in campaign.references))
        found.append(_campaign_claim(campaign, stances))
    return found


def key_messages(claims: Sequence[_Claim]) -> tuple[KeyMessage, ...]:
    """The claims held by most distinct submitters; on a tie, by more groups, then more
    comments."""
    ranked = sorted(
        claims,
        key=lambda c: (
            -c.message.respondents,
            -len(c.message.groups),
            -c.message.comments,
            c.message.reference,
        ),
    )
    return tuple(c.message for c in ranked[:KEY_MESSAGES])


def group_wants(
    records: Sequence[CommentRecord], claims: Sequence[_Claim]
) -> tuple[GroupWants, ...]:
    """Per stakeholder group (most comments first): its stance counts, distinct submitters
    and the claims most of its comments hold."""
    by_group: dict[str, list[CommentRecord]] = {}
    for record in records:
        by_group.setdefault(record.stakeholder_type, []).append(record)
    wants = []
    for group, members in sorted(by_group.items(), key=lambda g: (-len(g[1]), g[0])):
        held = sorted(
            (c for c in claims if c.by_group[group]),
            key=lambda c: (-c.by_group[group], c.message.reference),
        )
        wants.append(
            GroupWants(
                group=group,
                comments=len(members),
                respondents=len({m.submitter_key for m in members}),
                stances=counts(Counter(m.stance or NO_STANCE for m in members)),
                claims=tuple(
                    GroupClaim(
                        label=c.message.label,
                        reference=c.message.reference,
                        section_keys=c.message.section_keys,
                        comments=c.by_group[group],
                    )
                    for c in held[:CLAIMS_PER_GROUP]
                ),
            )
        )
    return tuple(wants)


def _contested(key: tuple[str, int, int], members: Sequence[CommentRecord]) -> ContestedLine:
    stanced = [m for m in members if m.stance in STANCES]
    tally = Counter(m.stance for m in stanced)
    by_group: dict[str, Counter[str]] = {}
    for member in stanced:
        by_group.setdefault(member.stakeholder_type, Counter())[member.stance] += 1
    groups = tuple(
        GroupStance(
            group=group,
            comments=sum(tally_.values()),
            stance=min(tally_.items(), key=lambda s: (-s[1], s[0]))[0],
        )
        for group, tally_ in sorted(by_group.items(), key=lambda g: (-sum(g[1].values()), g[0]))
    )
    most = max(tally.values())
    return ContestedLine(
        section_key=key[0],
        line_start=key[1],
        line_end=key[2],
        comments=len(members),
        respondents=len({m.submitter_key for m in members}),
        stances=counts(Counter(m.stance or NO_STANCE for m in members)),
        groups=groups,
        disagreement=round(1 - most / len(stanced), 4),
    )


def contested_lines(records: Sequence[CommentRecord]) -> tuple[ContestedLine, ...]:
    """The anchored ranges where comments with a stance disagree most: ranked by the number
    of comments not taking the most frequent stance, then by that share."""
    by_range: dict[tuple[str, int, int], list[CommentRecord]] = {}
    for record in records:
        key = (record.section_key, record.line_start, record.line_end)
        by_range.setdefault(key, []).append(record)
    found = []
    for key, members in by_range.items():
        stanced = sum(1 for m in members if m.stance in STANCES)
        if stanced < CONTESTED_MIN_STANCES:
            continue
        line = _contested(key, members)
        if line.disagreement >= CONTESTED_MIN_DISAGREEMENT:
            found.append((round(line.disagreement * stanced), line))
    found.sort(key=lambda f: (-f[0], -f[1].disagreement, f[1].section_key, f[1].line_start))
    return tuple(line for _, line in found[:CONTESTED_LINES])


def briefing(
    records: Sequence[CommentRecord], themes: Sequence[Theme], campaigns: Sequence[Campaign]
) -> Briefing:
    claims = _claims(records, themes, campaigns)
    return Briefing(
        key_messages=key_messages(claims),
        group_wants=group_wants(records, claims),
        contested_lines=contested_lines(records),
    )
