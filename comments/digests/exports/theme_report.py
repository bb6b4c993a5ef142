"""A theme as a digest's documents show it: its label and key phrase, its size, who holds it
(respondents, organisations, countries), the stances taken, the texts its amendments propose
and its quotes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from comments.exports import labels

from .briefing_report import mix, short, stance_mix
from .rows import CountRow, ExcerptView, count_rows, excerpt_view


def size(comments: int, positions: int) -> str:
    """``"12 comments, 9 distinct positions"``."""
    return f"{labels.plural(comments, 'comment')}, {labels.plural(positions, 'distinct position')}"


@dataclass(frozen=True, slots=True)
class ThemeView:
    label: str
    top_terms: str
    size: str  # "12 comments, 9 distinct positions"
    stakeholder_mix: tuple[CountRow, ...]
    stance_mix: tuple[CountRow, ...]
    quotes: tuple[ExcerptView, ...]
    languages: str = ""  # "English 12, French 3" when its comments are in several languages
    key_phrase: str = ""
    held_by: str = ""  # "40 respondents; organisations: A; B and 3 more"
    countries: str = ""  # "France 12, Japan 3"
    stances: str = ""  # "Support 4, Amend 2", or "" when nobody took a stance
    proposals: tuple[str, ...] = ()  # "“new text” (proposed 3 times)"


def _languages(rows: Sequence[Mapping[str, Any]]) -> str:
    if len(rows) < 2:
        return ""
    return ", ".join(f"{labels.language(row['key'])} {row['count']}" for row in rows)


# A theme in a document names its first organisations and countries, and its most proposed
# texts by their opening words; the JSON file keeps them all, whole.
THEME_ORGANISATIONS_SHOWN = 5
THEME_COUNTRIES_SHOWN = 5
THEME_PROPOSALS_SHOWN = 2
THEME_QUOTES_SHOWN = 2


def _held_by(theme: Mapping[str, Any]) -> str:
    if not theme.get("respondents"):
        return ""
    text = labels.plural(theme["respondents"], "respondent")
    named = list(theme.get("organisations", ()))[:THEME_ORGANISATIONS_SHOWN]
    if named:
        hidden = theme.get("organisation_count", len(named)) - len(named)
        text += f"; organisations: {'; '.join(named)}"
        text += f" and {hidden:,} more" if hidden > 0 else ""
    return text


def _countries(rows: Sequence[Mapping[str, Any]]) -> str:
    shown = mix(rows[:THEME_COUNTRIES_SHOWN], labels.country)
    hidden = len(rows) - THEME_COUNTRIES_SHOWN
    return (
        f"{shown} and {labels.plural(hidden, 'more country', 'more countries')}"
        if (hidden > 0)
        else shown
    )


def theme_view(theme: Mapping[str, Any]) -> ThemeView:
    proposals = tuple(
        f"“{short(p['text'])}” (proposed {labels.plural(p['count'], 'time')})"
        for p in theme.get("proposals", ())[:THEME_PROPOSALS_SHOWN]
    )
    return ThemeView(
        key_phrase=theme.get("key_phrase", ""),
        held_by=_held_by(theme),
        countries=_countries(list(theme.get("by_country", ()))),
        stances=stance_mix(theme.get("stance_mix", ())),
        proposals=proposals,
        label=theme["label"],
        top_terms=", ".join(theme.get("top_terms", ())),
        size=size(theme["comments"], theme["positions"]),
        stakeholder_mix=count_rows(theme.get("stakeholder_mix", ()), labels.stakeholder_type),
        stance_mix=count_rows(theme.get("stance_mix", ()), labels.stance),
        quotes=tuple(excerpt_view(q) for q in theme.get("quotes", ())[:THEME_QUOTES_SHOWN]),
        languages=_languages(theme.get("languages", ())),
    )
