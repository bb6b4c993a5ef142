"""Language-aware text: which language a comment is written in, its sentences, and the words
that carry its meaning (each language's stop words left out, Japanese segmented into words).

The portal's working languages are English, French, German, Italian and Japanese; Spanish is
read too, as answers to consultations often come in it.

- **Detection** is cheap first and thorough where it must be: a text mostly in kana and kanji
  is Japanese; otherwise each Latin-script language's stop words are counted, and a clear
  winner (at least ``_CLEAR_VOTES`` stop words and twice the runner-up) decides. Only a text
  that leaves it open goes to lingua (a maintained detector that ships its models, restricted
  to these six languages). A text with fewer than ``MIN_LETTERS`` letters is undetermined.
- **Sentences** are verbatim slices of the text (so a label or quote cut from them is the
  commenter's own words): Latin scripts end one at ``.``/``!``/``?``/``…`` before a capital or
  a digit, not after the language's usual abbreviations ("e.g.", "z. B.", "p. ex."), and at
  every paragraph or list item; Japanese ends one at 。！？.
- **Words** are lower-cased letter runs minus stop words (stopwords-iso lists); Japanese text
  is segmented by Janome (a pure-Python tokeniser with its dictionary packaged) and its nouns,
  verbs and adjectives kept in their dictionary form.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

from .types import UNDETERMINED

LANGUAGES = ("en", "fr", "de", "it", "ja", "es")
MIN_LETTERS = 12
_CLEAR_VOTES = 3
# Lingua reads at most this many characters of a text: its cost grows with the length, and a
# few sentences tell the language as well as a whole letter.
_LINGUA_CHARS = 400
_LATIN = ("en", "fr", "de", "it", "es")

_JAPANESE_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_JAPANESE_KEPT = ("名詞", "動詞", "形容詞")
_JAPANESE_SKIPPED = ("非自立", "数", "代名詞", "接尾")

# --- Detection ---------------------------------------------------------------------------------


@cache
def stop_words(language: str) -> frozenset[str]:
    """The language's stop words (lower case); none for an undetermined language."""
    if language not in LANGUAGES:
        return frozenset()
    import stopwordsiso

    return frozenset(word.lower() for word in stopwordsiso.stopwords([language]))


@cache
def _distinctive_stop_words() -> dict[str, frozenset[str]]:
    """Each Latin-script language's stop words that no other of them has ("the", "und",
    "les", "della", "los"), so that a vote is not split by words they share ("a", "me")."""
    words = {language: stop_words(language) for language in _LATIN}
    return {
        language: own - frozenset().union(*(words[o] for o in _LATIN if o != language))
        for language, own in words.items()
    }


@cache
def _lingua():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH,
        Language.FRENCH,
        Language.GERMAN,
        Language.ITALIAN,
        Language.JAPANESE,
        Language.SPANISH,
    ).build()


@cache
def _stop_word_owner() -> dict[str, str]:
    """Each distinctive stop word and the one language it belongs to."""
    return {word: language for language, own in _distinctive_stop_words().items() for word in own}


def letter_runs(text: str) -> list[str]:
    """The lower-cased runs of letters of ``text`` (with inner apostrophes), in order: what
    detection counts and :func:`words` filters, found once when both are needed."""
    return _WORD.findall(text.lower())


def _by_script_and_votes(text: str, runs: list[str]) -> str | None:
    """The language when the text's script or its stop words leave no doubt; ``None`` when a
    closer look is needed. ``runs`` are the text's :func:`letter_runs`."""
    letters = sum(map(len, runs))
    if letters < MIN_LETTERS:
        return UNDETERMINED
    if len(_JAPANESE_CHAR.findall(text)) * 2 >= letters:
        return "ja"
    owner = _stop_word_owner()
    votes = Counter(owner[word] for word in runs if word in owner)
    (first, most), (_, second) = ([*votes.most_common(2), ("", 0), ("", 0)])[:2]
    if most >= _CLEAR_VOTES and most >= 2 * second:
        return first
    return None


def detect(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language among ``LANGUAGES``, or ``"und"``."""
    return detect_many([text])[0]


def detect_many(texts: Iterable[str], runs: Sequence[list[str]] | None = None) -> list[str]:
    """:func:`detect` for many texts; those that need lingua go to it together (it works on
    them in parallel). ``runs`` may give each text's :func:`letter_runs`."""
    texts = list(texts)
    if runs is None:
        runs = [letter_runs(text) for text in texts]
    found = [_by_script_and_votes(text, r) for text, r in zip(texts, runs, strict=True)]
    unsure = [i for i, language in enumerate(found) if language is None]
    if unsure:
        answers = _lingua().detect_languages_in_parallel_of(
            [texts[i][:_LINGUA_CHARS] for i in unsure]
        )
        for i, answer in zip(unsure, answers, strict=True):
            code = answer.iso_code_639_1.name.lower() if answer is not None else UNDETERMINED
            found[i] = code if code in LANGUAGES else UNDETERMINED
    return [language or UNDETERMINED for language in found]


# --- Sentences ---------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "en": (
        "e.g.",
        "i.e.",
        "etc.",
        "cf.",
        "vs.",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "no.",
        "art.",
        "para.",
    ),
    "fr": ("p. ex.", "ex.", "cf.", "etc.", "m.", "mme.", "art.", "n°.", "av.", "env."),
    "de": (
        "z.",
        "z. b.",
        "z.b.",
        "d. h.",
        "d.h.",
        "bzw.",
        "usw.",
        "vgl.",
        "nr.",
        "art.",
        "abs.",
        "ca.",
    ),
    "it": ("es.", "ecc.", "art.", "pag.", "sig.", "dott.", "cfr."),
    "es": ("p. ej.", "ej.", "etc.", "art.", "sr.", "sra.", "núm.", "pág."),
}
_LATIN_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+(?=[\"'«“‘(\[]*[^\W_a-zà-ÿ])")
_JAPANESE_END = re.compile(r"[。！？!?]+[」』）)]*\s*")
_LIST_MARKER = r"[ \t]*(?:[-*•]|\d+[.)])[ \t]+"
_BREAK = re.compile(rf"\n\s*\n(?:{_LIST_MARKER})?|\n{_LIST_MARKER}")
_NUMBER = re.compile(r"\s*\d+[.)]\s*")


def sentences(text: str, language: str = UNDETERMINED) -> list[str]:
    """The sentences of ``text``, each a verbatim slice of it (stripped of the spaces around
    it), in order; empty pieces left out."""
    found: list[str] = []
    for block in _slices(text, _BREAK):
        ends = _JAPANESE_END if language == "ja" else _LATIN_END
        pieces = _slices(block, ends, keep_end=True)
        if language != "ja":
            pieces = _rejoin_abbreviations(pieces, language)
        found.extend(piece.strip() for piece in pieces if piece.strip())
    return found


def _slices(text: str, boundary: re.Pattern[str], *, keep_end: bool = False) -> list[str]:
    pieces, start = [], 0
    for match in boundary.finditer(text):
        end = match.end() if keep_end else match.start()
        pieces.append(text[start:end])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def _ends_with_abbreviation(piece: str, abbreviations: frozenset[str]) -> bool:
    tail = piece.lower().split()[-2:]
    return bool(tail) and (tail[-1] in abbreviations or " ".join(tail) in abbreviations)


def _rejoin_abbreviations(pieces: list[str], language: str) -> list[str]:
    abbreviations = frozenset(_ABBREVIATIONS.get(language, ()) + _ABBREVIATIONS["en"])
    joined: list[str] = []
    for piece in pieces:
        if joined and (
            _ends_with_abbreviation(joined[-1], abbreviations) or _NUMBER.fullmatch(joined[-1])
        ):
            joined[-1] += piece
        else:
            joined.append(piece)
    return joined


# --- Words -------------------------------------------------------------------------------------


@cache
def _janome():
    from janome.tokenizer import Tokenizer

    return Tokenizer()


def words(text: str, language: str = UNDETERMINED, runs: list[str] | None = None) -> list[str]:
    """The words of ``text`` that carry meaning, lower-cased, in order. Stop words of the
    text's language and of English (quoted terms and mixed texts are common) are left out.
    ``runs`` may give the text's :func:`letter_runs`."""
    if language == "ja" or (language == UNDETERMINED and _JAPANESE_CHAR.search(text)):
        return _japanese_words(text)
    skipped = _skipped(language)
    return [
        word
        for word in (letter_runs(text) if runs is None else runs)
        if len(word) > 1 and word not in skipped
    ]


@cache
def _skipped(language: str) -> frozenset[str]:
    return stop_words(language) | stop_words("en")


def _japanese_words(text: str) -> list[str]:
    skipped = stop_words("ja")
    found = []
    for token in _janome().tokenize(text):
        kind = token.part_of_speech.split(",")
        if kind[0] not in _JAPANESE_KEPT or any(k in _JAPANESE_SKIPPED for k in kind[1:]):
            continue
        base = token.base_form if token.base_form != "*" else token.surface
        if base not in skipped:
            found.append(base.lower())
    return found
