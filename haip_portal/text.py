"""The characters free text may not hold, one rule for every app: comments, replies and the
other texts people file, organisation names, and draft sources.

Refused:

* control characters (Unicode category Cc: U+0000–U+001F, U+007F and the C1 controls
  U+0080–U+009F), except tab, line feed and carriage return in text that may span lines. They
  are invisible or meaningless in a web page, break XML exports and spreadsheets, and
  PostgreSQL cannot store U+0000;
* the bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069):
  they reorder the characters that follow them for display, so a comment could show words in
  another order than the one stored, quoted and exported ("Trojan Source");
* unpaired surrogates (U+D800–U+DFFF), which are not characters and cannot be stored as UTF-8.

Allowed, deliberately: the left-to-right and right-to-left marks (U+200E, U+200F) and the
Arabic letter mark (U+061C). They are invisible strong characters that only settle the
direction of neutral characters next to them (the full stop after an English phrase in an
Arabic sentence); they cannot reverse other text, and writers of right-to-left scripts need
them. Zero-width joiners and non-joiners stay too (emoji sequences, Persian and Indic scripts).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .exceptions import ApplicationError

LINE_CONTROLS = "\t\n\r"
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class ForbiddenCharacter:
    """The first character a text may not hold, and where it is (1 = the first character)."""

    character: str
    position: int

    @property
    def code(self) -> str:
        return f"U+{ord(self.character):04X}"

    @property
    def kind(self) -> str:
        if self.character in BIDI_CONTROLS:
            return "bidirectional control character"
        if "\ud800" <= self.character <= "\udfff":
            return "unpaired surrogate"
        return "control character"

    def describe(self) -> str:
        """E.g. ``the control character U+0001`` or ``the bidirectional control character
        U+202E (RIGHT-TO-LEFT OVERRIDE)``; never the character itself, which may be invisible
        or reorder the message around it."""
        name = unicodedata.name(self.character, "")
        if self.character in BIDI_CONTROLS:
            phrase = _("the bidirectional control character %(code)s")
        elif "\ud800" <= self.character <= "\udfff":
            phrase = _("the unpaired surrogate %(code)s")
        else:
            phrase = _("the control character %(code)s")
        return phrase % {"code": self.code} + (f" ({name})" if name else "")

    def described_as_one(self) -> str:
        """E.g. ``a control character (U+0001)``, in the active language."""
        if self.character in BIDI_CONTROLS:
            phrase = _("a bidirectional control character (%(code)s)")
        elif "\ud800" <= self.character <= "\udfff":
            phrase = _("an unpaired surrogate (%(code)s)")
        else:
            phrase = _("a control character (%(code)s)")
        return phrase % {"code": self.code}


def forbidden_character(text: str, *, multiline: bool = True) -> ForbiddenCharacter | None:
    """The first character of ``text`` that free text may not hold, or None. Tab, line feed
    and carriage return are allowed only if ``multiline``."""
    for match in _FORBIDDEN.finditer(text):
        if multiline and match.group() in LINE_CONTROLS:
            continue
        return ForbiddenCharacter(match.group(), match.start() + 1)
    return None


def check_text(value: str, *, field: str, multiline: bool = True) -> None:
    """Raise :class:`ApplicationError` on ``field`` if ``value`` holds a character free text
    may not hold, naming the field, the character and its position, e.g. ``body contains the
    control character U+0001 at position 3; remove it.``"""
    found = forbidden_character(value, multiline=multiline)
    if found is not None:
        raise ApplicationError(
            _("%(field)s contains %(character)s at position %(position)s; remove it.")
            % {"field": field, "character": found.describe(), "position": found.position},
            field=field,
        )


def grouped(number: int) -> str:
    """A count as the active language groups its digits ("20,001", "20.001", "20 001")."""
    return number_format(number, force_grouping=True)
