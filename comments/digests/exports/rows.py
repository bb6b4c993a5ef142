"""The small views every part of a digest's report is made of: a counted row and a quoted
excerpt, read from the digest's data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from comments.exports import labels

from .charts import percent

# The synthesis's mark for a text whose language could not be told.
UNDETERMINED = "und"


@dataclass(frozen=True, slots=True)
class CountRow:
    label: str
    count: int
    share: str


@dataclass(frozen=True, slots=True)
class ExcerptView:
    reference: str
    text: str
    confidential: bool
    attribution: str  # the organisation, or "not attributed"
    stakeholder_type: str
    language: str = ""  # the comment's language (ISO 639-1), quoted in it; "" when unknown
    # "Japanese", in the document's language, when the quote is in another language than the
    # document; "" otherwise.
    language_name: str = ""


def count_rows(
    counts: Sequence[Mapping[str, Any]], name: Any = labels.humanise
) -> tuple[CountRow, ...]:
    return tuple(
        CountRow(label=name(c["key"]), count=int(c["count"]), share=percent(float(c["share"])))
        for c in counts
    )


def _document() -> str:
    """The language documents are being written in."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def excerpt_view(quote: Mapping[str, Any]) -> ExcerptView:
    language = quote.get("language", "")
    language = "" if language == UNDETERMINED else language
    return ExcerptView(
        reference=quote["reference"],
        text=quote["text"],
        confidential=bool(quote.get("confidential")),
        attribution=quote.get("organisation") or _("not attributed"),
        stakeholder_type=labels.stakeholder_type(quote.get("stakeholder_type", "")),
        language=language,
        language_name=labels.language(language) if language not in ("", _document()) else "",
    )
