from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from drafts.diff import Segment
from drafts.models import DraftVersion

register = template.Library()


def _when(moment: datetime | None) -> str:
    if moment is None:
        return _("an unrecorded date")
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} {date_format(local, 'T')}"


@register.simple_tag
def period_status(version: DraftVersion) -> str:
    """A reader's one-line answer to "can I still comment, and until when?"."""
    now = timezone.now()
    if version.status == DraftVersion.Status.DRAFT:
        return _("Not published")
    if version.status == DraftVersion.Status.CLOSED:
        return _("Closed on %(when)s") % {"when": _when(version.closed_at or version.closes_at)}
    assert version.opens_at is not None and version.closes_at is not None
    if now < version.opens_at:
        return _("Opens in %(wait)s (%(when)s)") % {
            "wait": timeuntil(version.opens_at, now),
            "when": _when(version.opens_at),
        }
    if now >= version.closes_at:
        return _("Comment period ended %(when)s") % {"when": _when(version.closes_at)}
    remaining = version.closes_at - now
    left = (
        ngettext("%(days)d day", "%(days)d days", remaining.days) % {"days": remaining.days}
        if remaining.days >= 2
        else timeuntil(version.closes_at, now)
    )
    return _("%(left)s left to comment (closes %(when)s)") % {
        "left": left,
        "when": _when(version.closes_at),
    }


_SEGMENT_TAGS = {"insert": "ins", "delete": "del"}


@register.filter
def segments(parts: tuple[Segment, ...]) -> SafeString:
    """Word-diff segments as HTML: insertions in ``<ins>``, deletions in ``<del>``.

    Rendered in Python rather than with an include per segment: the compare page of a long
    draft has tens of thousands of them.
    """
    html = []
    for part in parts:
        tag = _SEGMENT_TAGS.get(part.kind)
        text = escape(part.text)
        html.append(f"<{tag}>{text}</{tag}>" if tag else text)
    return mark_safe("".join(html))  # noqa: S308 - every piece of text is escaped above


@register.filter
def at(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """``mapping[key]``, or None when the mapping or the key is missing."""
    return mapping.get(key) if mapping else None
