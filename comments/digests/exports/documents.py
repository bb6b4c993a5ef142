"""A digest as a standalone HTML page, a PDF and JSON, and the context of its templates (also
the digest's page), written from its synthesis (``Synthesis.to_dict()``) and a little
metadata, without the database. Word and Markdown: :mod:`.word_document`,
:mod:`.markdown_document`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import IO, Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from comments.exports import labels

from .charts import bar_chart, timeline_chart
from .meta import DocumentMeta, check_audience, meta_dict
from .report import build_report

DOCUMENT_TEMPLATE = "digests/document.html"


def _labelled(counts: list[dict[str, Any]], name: Any) -> dict[str, str]:
    return {c["key"]: name(c["key"]) for c in counts}


def digest_charts(data: Mapping[str, Any], meta: DocumentMeta) -> dict[str, SafeString]:
    """The overview's charts as inline SVG, by name: ``by_section``, ``by_stance``,
    ``by_stakeholder_type``, ``by_country``, ``by_kind``, ``by_language``, ``by_day`` and
    ``dispositions``."""
    overview = data["overview"]
    titles = meta.section_titles
    dispositions = data.get("dispositions", {}).get("counts", [])
    return {
        "by_section": bar_chart(
            overview["by_section"],
            title=_("Comments by section"),
            labels={c["key"]: titles.get(c["key"], c["key"]) for c in overview["by_section"]},
            max_bars=max(12, len(overview["by_section"])),
        ),
        "by_stance": bar_chart(
            overview["by_stance"],
            title=_("Comments by stance"),
            labels=_labelled(overview["by_stance"], labels.stance),
        ),
        "by_stakeholder_type": bar_chart(
            overview["by_stakeholder_type"],
            title=_("Comments by stakeholder type"),
            labels=_labelled(overview["by_stakeholder_type"], labels.stakeholder_type),
        ),
        "by_country": bar_chart(
            overview["by_country"],
            title=_("Comments by country"),
            labels=_labelled(overview["by_country"], labels.country),
        ),
        "by_kind": bar_chart(
            overview["by_kind"],
            title=_("Comments by type"),
            labels=_labelled(overview["by_kind"], labels.humanise),
        ),
        "by_language": bar_chart(
            overview.get("by_language", ()),
            title=_("Comments by language"),
            labels=_labelled(overview.get("by_language", []), labels.language),
        ),
        "by_day": timeline_chart(overview["by_day"], title=_("Comments filed per day")),
        "dispositions": bar_chart(
            dispositions,
            title=_("Dispositions of the secretariat"),
            labels=_labelled(dispositions, labels.humanise),
        ),
    }


def digest_context(data: Mapping[str, Any], meta: DocumentMeta) -> dict[str, Any]:
    """The template context of both digest templates: ``digest_data`` (the data, built for
    its audience), ``meta``, ``report`` (the data arranged for reading, see
    :class:`~comments.digests.exports.report.Report`) and ``charts`` (inline SVG by name).

    The data is not under ``digest`` so that a page may include the body next to its own
    ``digest`` object."""
    return {
        "digest_data": data,
        "meta": meta,
        "report": build_report(data, meta),
        "charts": digest_charts(data, meta),
    }


def digest_html(data: Mapping[str, Any], meta: DocumentMeta) -> str:
    """The digest as one complete HTML document with its styles inline (print-ready, A4),
    which loads nothing else: no script, no stylesheet, no image, no font."""
    return render_to_string(DOCUMENT_TEMPLATE, digest_context(data, meta))


def write_digest_pdf(data: Mapping[str, Any], meta: DocumentMeta, out: IO[bytes]) -> None:
    """The digest as a PDF (the HTML document laid out by WeasyPrint) written to ``out``. Every
    URL the document might name is refused, so rendering touches no network and no file."""
    # Imported here: WeasyPrint needs Pango, which no other export does.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class RefuseEveryURL(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> object:
            raise ValueError(f"The digest PDF fetches nothing ({url}).")

    document = HTML(string=digest_html(data, meta), base_url=None, url_fetcher=RefuseEveryURL())
    document.write_pdf(out)


def _plain(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def digest_json(data: Mapping[str, Any], meta: DocumentMeta) -> bytes:
    """``{"meta": ..., "digest": ...}`` as UTF-8 JSON with sorted keys and ISO 8601 times;
    the same digest always gives the same bytes."""
    check_audience(data, meta.audience)
    document = {"meta": meta_dict(meta), "digest": data}
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2, default=_plain)
    return text.encode("utf-8")
