"""What a digest's documents say about it beyond its synthesis (title, audience, cut-off,
section headings), and the check that a synthesis is written only for the audience it was
built for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What the documents say about a digest beyond its synthesis."""

    title: str  # e.g. "Digest of HAIP Code of Conduct, version 1"
    draft_title: str
    version_number: int
    audience: str  # "public" | "working_group"
    cutoff: datetime | None
    generated_at: datetime
    reference: str  # e.g. "DG-12"
    section_titles: Mapping[str, str]  # section key ("action-3") -> heading, in draft order


def meta_dict(meta: DocumentMeta) -> dict[str, Any]:
    """``meta`` as JSON-ready data (times ISO 8601)."""
    return {
        "title": meta.title,
        "draft_title": meta.draft_title,
        "version_number": meta.version_number,
        "audience": meta.audience,
        "cutoff": meta.cutoff.isoformat() if meta.cutoff else None,
        "generated_at": meta.generated_at.isoformat(),
        "reference": meta.reference,
        "section_titles": dict(meta.section_titles),
    }


class WrongAudience(ValueError):
    """Digest data built for one audience was about to be written for another."""


def check_audience(data: Mapping[str, Any], audience: str) -> None:
    """Refuse to write ``data`` for ``audience`` unless it was built for it: a public digest
    holds nothing marked confidential (the synthesis never analyses confidential comments
    for the public; this catches data built for the working group handed to a public
    document)."""
    built_for = data.get("audience")
    if built_for != audience:
        raise WrongAudience(
            f"Digest data built for {built_for!r} cannot be written for {audience!r}."
        )
    if audience != "public":
        return
    marked = [
        *(q for t in data.get("themes", ()) for q in t.get("quotes", ())),
        *(c for c in data.get("campaigns", ()) if c.get("includes_confidential")),
        *(c["representative"] for c in data.get("campaigns", ()) if c.get("representative")),
        *data.get("repeats", ()),
        *(r["representative"] for r in data.get("repeats", ()) if r.get("representative")),
        *(p for g in data.get("changes", ()) for p in g.get("proposals", ())),
    ]
    if any(item.get("confidential") or item.get("includes_confidential") for item in marked):
        raise WrongAudience("A public digest cannot hold anything from a confidential comment.")
