"""Charts as inline SVG drawn on the server: black and grey, with their numbers written out,
so they read the same on screen, on paper and in a PDF, and without any script."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.exports.labels import number

INK = "#1b1f24"
BAR = "#57606a"
TRACK = "#eaeef2"

WIDTH = 680
LABEL_WIDTH = 260
BAR_LEFT = 268
BAR_WIDTH = 300
ROW = 22
TOP = 28
LABEL_CHARS = 34  # what fits in LABEL_WIDTH at 12 px, wide letters included


def percent(share: float) -> str:
    """A share (0-1) as a whole percentage in the active language's way ("40%", "40 %");
    "<1%" for a small share that is not zero."""
    if 0 < share < 0.005:
        return _("<%(share)s%%") % {"share": 1}
    return _("%(share)s%%") % {"share": f"{share * 100:.0f}"}


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _join(parts: Iterable[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _svg(title: str, description: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{}" '
        # Presentation attributes, never style="…": the portal's Content-Security-Policy
        # refuses inline styles, and the digest page shows these charts.
        'viewBox="0 0 {} {}" width="100%" font-family="sans-serif" font-size="12">'
        "<title>{}</title><desc>{}</desc>"
        '<text x="0" y="16" fill="{}" font-weight="bold">{}</text>{}</svg>',
        title,
        WIDTH,
        height,
        title,
        description,
        INK,
        title,
        body,
    )


def _empty(title: str) -> SafeString:
    none = _("No comments.")
    body = format_html('<text x="0" y="{}" fill="{}">{}</text>', TOP + 14, BAR, none)
    return _svg(title, none, TOP + ROW, body)


def bar_chart(
    counts: Sequence[Mapping[str, Any]],
    *,
    title: str,
    labels: Mapping[str, str] | None = None,
    max_bars: int = 12,
) -> SafeString:
    """Horizontal bars, one per count (``{"key", "count", "share"}``) in the given order, each
    with its label and its number and share written beside it. Beyond ``max_bars`` the rest
    are folded into one "Other" bar. Every text is escaped."""
    if not counts:
        return _empty(title)
    names = labels or {}
    rows = [(names.get(c["key"], c["key"]), int(c["count"]), float(c["share"])) for c in counts]
    if len(rows) > max_bars:
        kept, rest = rows[: max_bars - 1], rows[max_bars - 1 :]
        other = (
            _("Other (%(count)s)") % {"count": number(len(rest))},
            sum(r[1] for r in rest),
            sum(r[2] for r in rest),
        )
        rows = [*kept, other]
    largest = max(count for _, count, _ in rows) or 1
    drawn = []
    for index, (label, count, share) in enumerate(rows):
        y = TOP + index * ROW
        length = round(BAR_WIDTH * count / largest, 1)
        drawn.append(
            format_html(
                "<g><title>{}: {} ({})</title>"
                '<text x="{}" y="{}" fill="{}" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="14" fill="{}"/>'
                '<rect x="{}" y="{}" width="{}" height="14" fill="{}"/>'
                '<text x="{}" y="{}" fill="{}">{} ({})</text></g>',
                label,
                number(count),
                percent(share),
                LABEL_WIDTH,
                y + 11,
                INK,
                _shorten(label),
                BAR_LEFT,
                y,
                BAR_WIDTH,
                TRACK,
                BAR_LEFT,
                y,
                length,
                BAR,
                BAR_LEFT + BAR_WIDTH + 6,
                y + 11,
                INK,
                number(count),
                percent(share),
            )
        )
    description = "; ".join(
        f"{label}: {number(count)} ({percent(share)})" for label, count, share in rows
    )
    return _svg(title, description, TOP + len(rows) * ROW + 4, _join(drawn))


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _timeline_columns(
    days: Sequence[date],
    per_day: Mapping[date, int],
    largest: int,
    frame: tuple[int, int, int, int],
) -> list[SafeString]:
    """One column per day across ``frame`` (left, right, top, bottom), scaled to ``largest``."""
    left, right, top, bottom = frame
    step = (right - left) / len(days)
    columns = []
    for index, day in enumerate(days):
        count = per_day.get(day, 0)
        height = round((bottom - top) * count / largest, 1)
        columns.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
                round(left + index * step + step * 0.1, 2),
                round(bottom - height, 1),
                round(max(step * 0.8, 0.5), 2),
                height,
                BAR,
                day.isoformat(),
                number(count),
            )
        )
    return columns


def _timeline_axis(
    largest: int,
    first: date,
    last: date,
    busiest: date,
    frame: tuple[int, int, int, int],
) -> SafeString:
    """The base line, the scale, the first and last days and the busiest one."""
    left, right, top, bottom = frame
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
        '<text x="{}" y="{}" fill="{}" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" fill="{}" text-anchor="end">0</text>'
        '<text x="{}" y="{}" fill="{}">{}</text>'
        '<text x="{}" y="{}" fill="{}" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" fill="{}" text-anchor="middle">{}</text>',
        left,
        bottom,
        right,
        bottom,
        INK,
        left - 6,
        top + 10,
        INK,
        number(largest),
        left - 6,
        bottom,
        INK,
        left,
        bottom + 16,
        INK,
        first.isoformat(),
        right,
        bottom + 16,
        INK,
        last.isoformat(),
        (left + right) // 2,
        bottom + 16,
        INK,
        _("Busiest day: %(day)s (%(count)s)")
        % {"day": busiest.isoformat(), "count": number(largest)},
    )


def timeline_chart(by_day: Sequence[Mapping[str, Any]], *, title: str) -> SafeString:
    """Comments per day as columns from the first day to the last (days without comments
    are drawn as zero), with the axis dates and the busiest day written out."""
    if not by_day:
        return _empty(title)
    per_day: dict[date, int] = {}
    for entry in by_day:
        day = _as_date(entry["day"])
        per_day[day] = per_day.get(day, 0) + int(entry["count"])
    first, last = min(per_day), max(per_day)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    largest = max(per_day.values()) or 1
    busiest = min(day for day, n in per_day.items() if n == largest)
    frame = (48, WIDTH - 8, TOP + 8, TOP + 118)  # left, right, top, bottom
    bottom = frame[3]
    columns = _timeline_columns(days, per_day, largest, frame)
    total = sum(per_day.values())
    axis = _timeline_axis(largest, first, last, busiest, frame)
    description = ngettext(
        "%(count)s comment from %(first)s to %(last)s; busiest day %(busiest)s with %(most)s.",
        "%(count)s comments from %(first)s to %(last)s; busiest day %(busiest)s with %(most)s.",
        total,
    ) % {
        "count": number(total),
        "first": first.isoformat(),
        "last": last.isoformat(),
        "busiest": busiest.isoformat(),
        "most": number(largest),
    }
    return _svg(title, description, bottom + 24, _join([*columns, axis]))
