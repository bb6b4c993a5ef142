"""Words for the keys a digest holds (stakeholder types, stances, kinds, outcomes, countries,
dates), the same in every export."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils.functional import Promise
from django_countries import countries

from accounts.models import Organisation

STAKEHOLDER_TYPES: dict[str, str | Promise] = dict(Organisation.StakeholderType.choices)
STANCES = {"support": "Support", "oppose": "Oppose", "amend": "Amend", "none": "No stance"}
AUDIENCES = {"public": "Public", "working_group": "Working groups"}
LANGUAGES = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "ja": "Japanese",
    "es": "Spanish",
}


def humanise(key: str) -> str:
    """``"partially_accepted"`` → ``"Partially accepted"``."""
    return key.replace("_", " ").replace("-", " ").capitalize() if key else "Not given"


def stakeholder_type(key: str) -> str:
    return str(STAKEHOLDER_TYPES.get(key) or humanise(key))


def stance(key: str) -> str:
    return STANCES.get(key) or humanise(key)


def country(code: str) -> str:
    """The country's name, with its code; "Not given" for an empty or unknown code."""
    if not code or code == "unknown":
        return "Not given"
    name = countries.name(code)
    return f"{name} ({code})" if name else code


def language(code: str) -> str:
    return LANGUAGES.get(code, code)


def audience(key: str) -> str:
    return AUDIENCES.get(key) or humanise(key)


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``3 comments``, ``1 comment``: the count with the word that fits it."""
    word = singular if count == 1 else (many or singular + "s")
    return f"{count:,} {word}"


def lines(start: int, end: int) -> str:
    """A line range as ISO matrices write it: ``12`` or ``12–14``."""
    return str(start) if end == start else f"{start}–{end}"


def line_range(start: int, end: int) -> str:
    """``Line 12`` or ``Lines 12–14``."""
    return f"Line {start}" if end == start else f"Lines {lines(start, end)}"


def moment(value: datetime | date | str | None) -> str:
    """A date or time for people: ``1 March 2026, 09:00 UTC`` (aware times shown in UTC)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return f"{value.day} {value:%B %Y, %H:%M} UTC"
    return f"{value.day} {value:%B %Y}"
