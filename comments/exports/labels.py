"""Words for the keys a digest holds (stakeholder types, stances, kinds, outcomes, countries,
languages, dates) and for counts, the same in every export, in the active language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django_countries import countries

from accounts.models import Organisation

from ..models import Comment, Disposition

STAKEHOLDER_TYPES: dict[str, str | Promise] = dict(Organisation.StakeholderType.choices)
STANCES: dict[str, str | Promise] = {
    **dict(Comment.Stance.choices),
    "none": gettext_lazy("No stance"),
}
AUDIENCES: dict[str, str | Promise] = {
    "public": gettext_lazy("Public"),
    "working_group": gettext_lazy("Working groups"),
}
# The words of the other keys a digest counts by: kinds of comment and the secretariat's
# outcomes (a comment without a disposition is "open").
KEYS: dict[str, str | Promise] = {
    **dict(Comment.Kind.choices),
    **dict(Disposition.Outcome.choices),
    "open": pgettext_lazy("disposition", "Open"),
}
LANGUAGES: dict[str, str | Promise] = {
    "en": gettext_lazy("English"),
    "fr": gettext_lazy("French"),
    "de": gettext_lazy("German"),
    "it": gettext_lazy("Italian"),
    "ja": gettext_lazy("Japanese"),
    "es": gettext_lazy("Spanish"),
    "und": gettext_lazy("Language not determined"),
}


def not_given() -> str:
    return _("Not given")


def humanise(key: str) -> str:
    """The word for a known key (``"partially_accepted"`` → ``"Partially accepted"``, in the
    active language); an unknown key with its underscores as spaces."""
    if not key:
        return not_given()
    known = KEYS.get(key)
    return str(known) if known else key.replace("_", " ").replace("-", " ").capitalize()


def stakeholder_type(key: str) -> str:
    return str(STAKEHOLDER_TYPES.get(key) or humanise(key))


def stance(key: str) -> str:
    return str(STANCES.get(key) or humanise(key))


def country(code: str) -> str:
    """The country's name in the active language, with its code; "Not given" for an empty or
    unknown code."""
    if not code or code == "unknown":
        return not_given()
    name = countries.name(code)
    return f"{name} ({code})" if name else code


def language(code: str) -> str:
    """The language's name in the active language (``"ja"`` → ``"Japanese"``)."""
    return str(LANGUAGES.get(code, code))


def audience(key: str) -> str:
    return str(AUDIENCES.get(key) or humanise(key))


def number(value: int) -> str:
    """``1,234`` in English, ``1 234`` in French, ``1.234`` in German and Italian."""
    return formats.number_format(value, force_grouping=True)


def comments(count: int) -> str:
    """``"3 comments"``, ``"1 comment"``: the count with the word that fits it."""
    return ngettext("%(count)s comment", "%(count)s comments", count) % {"count": number(count)}


def respondents(count: int) -> str:
    return ngettext("%(count)s respondent", "%(count)s respondents", count) % {
        "count": number(count)
    }


def organisations(count: int) -> str:
    return ngettext("%(count)s organisation", "%(count)s organisations", count) % {
        "count": number(count)
    }


def lines(start: int, end: int) -> str:
    """A line range as ISO matrices write it: ``12`` or ``12–14``."""
    return str(start) if end == start else f"{start}–{end}"


def line_range(start: int, end: int) -> str:
    """``Line 12`` or ``Lines 12–14``."""
    if end == start:
        return _("Line %(number)s") % {"number": start}
    return _("Lines %(range)s") % {"range": lines(start, end)}


def moment(value: datetime | date | str | None) -> str:
    """A date or time for people, in the active language: ``1 March 2026, 09:00 UTC`` (aware
    times shown in UTC)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return _("%(date)s, %(time)s UTC") % {
            "date": formats.date_format(value.date(), "DATE_FORMAT"),
            "time": value.strftime("%H:%M"),
        }
    return formats.date_format(value, "DATE_FORMAT")
