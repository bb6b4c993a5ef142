"""A light guess at the language a comment is written in, for filing: pure Python, no model
and no word list to load, so every web process can afford it.

Japanese is told by its script (kana and kanji); English, French, German and Italian by a
few dozen of their most frequent words that the others do not share. A text that leaves it
open is :data:`UNDETERMINED`; the author can always correct what was guessed. The digests'
synthesis has its own, thorough detector for its reading of whole consultations.
"""

import re
from collections import Counter

UNDETERMINED = "und"
MIN_LETTERS = 12
_CLEAR_VOTES = 2

_JAPANESE_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

_MARKERS = {
    "en": "the and of to is are that this for with should be not we our which by it from "
    "have has will would their these they there been more must",
    "fr": "les des du une est et pour dans que qui sur nous sont pas cette ces ne leur leurs "
    "avec aux au être doit devrait mais nos vos aussi plus tout très",
    "de": "der die das und ist nicht zu den dem ein eine für mit von sich auf wir sind werden "
    "sollte sollten oder auch dass bei nur noch wie einer",
    "it": "il lo gli della delle dei che è per una con sono non questo questa nel nella degli "
    "anche dovrebbe essere noi siano ogni alla sulla più come sia ma del al",
}
_OWNER = {
    word: language
    for language, words in _MARKERS.items()
    for word in words.split()
    if sum(word in other.split() for other in _MARKERS.values()) == 1
}


def detect(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language (``en``, ``fr``, ``de``, ``it``, ``ja``), or
    ``"und"`` when it is too short or unclear."""
    words = _WORD.findall(text.lower())
    letters = sum(map(len, words))
    if letters < MIN_LETTERS:
        return UNDETERMINED
    if not text.isascii() and len(_JAPANESE_CHAR.findall(text)) * 2 >= letters:
        return "ja"
    votes = Counter(_OWNER[word] for word in words if word in _OWNER)
    (first, most), (_, second) = [*votes.most_common(2), ("", 0), ("", 0)][:2]
    if most >= _CLEAR_VOTES and most >= 2 * second:
        return first
    return UNDETERMINED
