"""The small views every part of a digest's report is made of: a counted row and a quoted
excerpt, read from the digest's data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from comments.exports import labels

from .charts import percent


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


def count_rows(
    counts: Sequence[Mapping[str, Any]], name: Any = labels.humanise
) -> tuple[CountRow, ...]:
    return tuple(
        CountRow(label=name(c["key"]), count=int(c["count"]), share=percent(float(c["share"])))
        for c in counts
    )


def excerpt_view(quote: Mapping[str, Any]) -> ExcerptView:
    return ExcerptView(
        reference=quote["reference"],
        text=quote["text"],
        confidential=bool(quote.get("confidential")),
        attribution=quote.get("organisation") or "not attributed",
        stakeholder_type=labels.stakeholder_type(quote.get("stakeholder_type", "")),
    )
