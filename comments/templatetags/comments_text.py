"""Template helpers for comment pages: a proposed text shown as a word diff."""

from collections.abc import Iterable

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from drafts.models import Line

from ..worddiff import word_diff

register = template.Library()

_HIDDEN = '<span class="visually-hidden">{}</span>'
_CHANGE = {
    "delete": "<del>" + _HIDDEN + "{}" + _HIDDEN + "</del>",
    "insert": "<ins>" + _HIDDEN + "{}" + _HIDDEN + "</ins>",
}
_SAID = {"delete": "[removed: ", "insert": "[added: "}


@register.simple_tag
def proposed_diff(lines: Iterable[Line], proposed: str) -> SafeString:
    """``proposed`` against the text of ``lines`` (joined by new lines), word by word; each
    change says in words, for screen readers, whether it removes or adds text."""
    old = "\n".join(line.text for line in lines)
    parts = [
        conditional_escape(span.text)
        if span.op == "equal"
        else format_html(_CHANGE[span.op], _SAID[span.op], span.text, "]")
        for span in word_diff(old, proposed)
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
