"""A theme as a digest's documents show it: its label and key phrase, its size, who holds it
(respondents, organisations, countries), the stances taken, the texts its amendments propose
and its quotes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.exports import labels

from .briefing_report import mix, short, stance_mix
from .rows import CountRow, ExcerptView, count_rows, excerpt_view


def size(comments: int, positions: int) -> str:
    """``"12 comments, 9 distinct positions"``."""
    return _("%(comments)s, %(positions)s") % {
        "comments": labels.comments(comments),
        "positions": ngettext(
            "%(count)s distinct position", "%(count)s distinct positions", positions
        )
        % {"count": labels.number(positions)},
    }


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
    return ", ".join(f"{labels.language(row['key'])} {labels.number(row['count'])}" for row in rows)


# A theme in a document names its first organisations and countries, and its most proposed
# texts by their opening words; the JSON file keeps them all, whole.
THEME_ORGANISATIONS_SHOWN = 5
THEME_COUNTRIES_SHOWN = 5
THEME_PROPOSALS_SHOWN = 2
THEME_QUOTES_SHOWN = 2


def _held_by(theme: Mapping[str, Any]) -> str:
    if not theme.get("respondents"):
        return ""
    text = labels.respondents(theme["respondents"])
    named = list(theme.get("organisations", ()))[:THEME_ORGANISATIONS_SHOWN]
    if not named:
        return text
    hidden = theme.get("organisation_count", len(named)) - len(named)
    names = "; ".join(named)
    if hidden > 0:
        names = ngettext("%(names)s and %(count)s more", "%(names)s and %(count)s more", hidden) % {
            "names": names,
            "count": labels.number(hidden),
        }
    return _("%(respondents)s; organisations: %(names)s") % {"respondents": text, "names": names}


def _countries(rows: Sequence[Mapping[str, Any]]) -> str:
    shown = mix(rows[:THEME_COUNTRIES_SHOWN], labels.country)
    hidden = len(rows) - THEME_COUNTRIES_SHOWN
    if hidden <= 0:
        return shown
    return ngettext(
        "%(names)s and %(count)s more country", "%(names)s and %(count)s more countries", hidden
    ) % {"names": shown, "count": labels.number(hidden)}


def theme_view(theme: Mapping[str, Any]) -> ThemeView:
    proposals = tuple(
        ngettext(
            "“%(text)s” (proposed %(count)s time)",
            "“%(text)s” (proposed %(count)s times)",
            p["count"],
        )
        % {"text": short(p["text"]), "count": labels.number(p["count"])}
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
