"""Texts built from names and headings, punctuated once.

A heading such as "… to stakeholders." or a name such as "Kumo Inc." carries its own closing
punctuation; put before ", line 13" or at the end of a sentence it would double it
("stakeholders., line 13", "Kumo Inc.."). Both helpers are template filters too, built into
every template (``TEMPLATES["OPTIONS"]["builtins"]``): ``{{ heading|clause }}`` and
``{{ name|sentence }}``.
"""

from django import template
from django.utils.translation import get_language

register = template.Library()

_CLAUSE_ENDINGS = ".,;:"
_SENTENCE_ENDINGS = ".!?…"


@register.filter
def clause(text: object) -> str:
    """``text`` ready to be followed by more of the sentence (", line 13", ": v1"): without
    the full stop, comma, semicolon or colon it ends with."""
    return str(text).rstrip().rstrip(_CLAUSE_ENDINGS).rstrip()


@register.filter
def sentence(text: object) -> str:
    """``text`` as the end of a sentence: with one full stop, unless it already ends with a
    full stop, a question or exclamation mark or an ellipsis."""
    text = str(text).rstrip()
    return text if text.endswith(tuple(_SENTENCE_ENDINGS)) else f"{text}."


def in_sentence(label: object) -> str:
    """A choice's label (a status, a role) inside a sentence: in lower case ("is already
    approved"), except in German, whose nouns keep their capital; its messages quote the label
    („Genehmigt“) instead."""
    text = str(label)
    if (get_language() or "").split("-")[0] == "de":
        return text
    return text.lower()
