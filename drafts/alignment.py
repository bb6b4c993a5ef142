"""Whether a rendering follows its master: the same sections, in the same order, and in each
section the same numbered lines of the same kinds. Pure: parsed documents in, the differences
out, each named so the secretariat can find it in both texts.

Sections are matched by position. A numbered section (``action-3``) and the preamble keep
their key in every language, so their keys must agree; a section titled without a number gets
its key from its words, which a translation changes, so only its place and lines are compared.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .markdown import PREAMBLE_KEY, ParsedDocument, ParsedSection

MAX_NAMED = 3

_KIND_NAMES = {
    "title": gettext_noop("a title"),
    "heading": gettext_noop("a section heading"),
    "subheading": gettext_noop("a subheading"),
    "item": gettext_noop("a list item"),
    "quote": gettext_noop("a quotation"),
    "code": gettext_noop("a line of code"),
    "text": gettext_noop("a paragraph"),
}


@dataclass(frozen=True, slots=True)
class Difference:
    """One place where the rendering parts from the master, in words."""

    section: str
    message: str


_NUMBERED_KEY = re.compile(r"action-\d+")


def _language_keeps_key(key: str) -> bool:
    """The preamble's key and a numbered section's key are the same in every language."""
    return key == PREAMBLE_KEY or _NUMBERED_KEY.fullmatch(key) is not None


def _same_section(master: ParsedSection, rendering: ParsedSection) -> bool:
    if _language_keeps_key(master.key) or _language_keeps_key(rendering.key):
        return master.key == rendering.key
    return True


def _kind(kind: str) -> str:
    return _(_KIND_NAMES.get(kind, kind))


def _section_differences(
    master: ParsedSection, rendering: ParsedSection, name: str
) -> list[Difference]:
    found = []
    pairs = list(zip(master.lines, rendering.lines, strict=False))
    first_kind = next(((ours, theirs) for ours, theirs in pairs if ours.kind != theirs.kind), None)
    counts_differ = len(master.lines) != len(rendering.lines)
    if counts_differ:
        values: dict[str, object] = {
            "key": master.key,
            "master": len(master.lines),
            "m_first": master.line_start,
            "m_last": master.line_end,
            "rendering": len(rendering.lines),
            "r_first": rendering.line_start,
            "r_last": rendering.line_end,
            "name": name,
        }
        if first_kind is None:
            message = _(
                "Section '%(key)s' has %(master)d lines in the master "
                "(lines %(m_first)d–%(m_last)d) and %(rendering)d in the %(name)s rendering "
                "(lines %(r_first)d–%(r_last)d)."
            )
        else:
            ours, theirs = first_kind
            values.update(number=ours.number, ours=_kind(ours.kind), theirs=_kind(theirs.kind))
            message = _(
                "Section '%(key)s' has %(master)d lines in the master "
                "(lines %(m_first)d–%(m_last)d) and %(rendering)d in the %(name)s rendering "
                "(lines %(r_first)d–%(r_last)d); "
                "line %(number)d is %(ours)s in the master and %(theirs)s there."
            )
        found.append(Difference(master.key, message % values))
    elif first_kind is not None:
        ours, theirs = first_kind
        found.append(
            Difference(
                master.key,
                _(
                    "Line %(number)d (section '%(key)s') is %(ours)s in the master and "
                    "%(theirs)s in the %(name)s rendering."
                )
                % {
                    "number": ours.number,
                    "key": master.key,
                    "ours": _kind(ours.kind),
                    "theirs": _kind(theirs.kind),
                    "name": name,
                },
            )
        )
    return found


def differences(
    master: ParsedDocument, rendering: ParsedDocument, *, name: str
) -> list[Difference]:
    """Every difference between ``master`` and ``rendering`` (called ``name`` in messages,
    e.g. "French"), in the order of the master; empty when the rendering is aligned.

    Once a section is missing or extra, the sections after it are not compared line by line:
    their lines are numbered differently and would all differ for that one reason.
    """
    found: list[Difference] = []
    masters, renderings = master.sections, rendering.sections
    for position in range(max(len(masters), len(renderings))):
        ours = masters[position] if position < len(masters) else None
        theirs = renderings[position] if position < len(renderings) else None
        if ours is not None and theirs is not None and _same_section(ours, theirs):
            found.extend(_section_differences(ours, theirs, name))
            if len(ours.lines) != len(theirs.lines):
                break
            continue
        found.append(_section_difference(ours, theirs, masters, name))
        break
    return found


def _section_difference(
    ours: ParsedSection | None,
    theirs: ParsedSection | None,
    masters: list[ParsedSection],
    name: str,
) -> Difference:
    """Name a section the rendering lacks, or one it has that the master does not."""
    keys = {section.key for section in masters}
    if ours is not None and (theirs is None or theirs.key in keys):
        return Difference(
            ours.key,
            _(
                "Section '%(key)s' (lines %(first)d–%(last)d in the master) is missing from "
                "the %(name)s rendering."
            )
            % {"key": ours.key, "first": ours.line_start, "last": ours.line_end, "name": name},
        )
    assert theirs is not None
    where = (
        _("after section '%(key)s'") % {"key": masters[theirs.position - 1].key}
        if 0 < theirs.position <= len(masters)
        else _("at the start")
    )
    return Difference(
        theirs.key,
        _(
            "The %(name)s rendering has a section '%(key)s' (its lines %(first)d–%(last)d, "
            "%(where)s) that the master does not have."
        )
        % {
            "name": name,
            "key": theirs.key,
            "first": theirs.line_start,
            "last": theirs.line_end,
            "where": where,
        },
    )


def summary(found: list[Difference], *, name: str) -> str:
    """One message naming the first differences (at most :data:`MAX_NAMED`)."""
    shown = " ".join(difference.message for difference in found[:MAX_NAMED])
    return _("The %(name)s rendering does not follow the master: %(differences)s") % {
        "name": name,
        "differences": shown,
    }
