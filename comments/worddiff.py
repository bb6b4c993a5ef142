"""A proposed text compared word by word with the text it would replace (difflib), for pages
to show as ``<del>``/``<ins>``. Pure: strings in, spans out."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

# Words, runs of white space and single punctuation marks: a changed comma is one change.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)

Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True, slots=True)
class Span:
    op: Op
    text: str


def word_diff(old: str, new: str) -> list[Span]:
    """The spans that turn ``old`` into ``new``: kept, deleted and inserted text, in reading
    order (a replacement is its deletion followed by its insertion). Joining the ``equal`` and
    ``delete`` spans gives ``old``; joining ``equal`` and ``insert`` gives ``new``."""
    a = _TOKEN.findall(old)
    b = _TOKEN.findall(new)
    spans: list[Span] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(spans, "equal", "".join(a[i1:i2]))
            continue
        _add(spans, "delete", "".join(a[i1:i2]))
        _add(spans, "insert", "".join(b[j1:j2]))
    return spans


def _add(spans: list[Span], op: Op, text: str) -> None:
    if not text:
        return
    if spans and spans[-1].op == op:
        spans[-1] = Span(op, spans[-1].text + text)
    else:
        spans.append(Span(op, text))
