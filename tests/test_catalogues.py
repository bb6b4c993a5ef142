"""The interface's catalogues (locale/<language>/LC_MESSAGES/django.po and the compiled .mo
committed beside each, so the portal runs without GNU gettext): every language of the portal
but English has one, complete, with no fuzzy entry, with the placeholders of each message
kept, and its .mo holds exactly what its .po says."""

import re
from pathlib import Path

import polib  # type: ignore[import-untyped]  # no types: only this test reads .po files
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{(\w*)\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


def translations_of(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def test_the_locale_folder_is_the_one_django_reads():
    assert LOCALE in [Path(path) for path in settings.LOCALE_PATHS]


def test_english_is_the_source_language_and_needs_no_catalogue():
    """The messages are written in English; an English catalogue, if one is added, may only
    repeat them."""
    path = LOCALE / "en" / "LC_MESSAGES" / "django.po"
    if path.exists():
        for entry in polib.pofile(str(path)):
            assert entry.msgstr in ("", entry.msgid)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert po.metadata["Language"] == language
    assert not po.metadata_is_fuzzy
    assert len(po) > 0
    untranslated = [entry.msgid for entry in po if not all(translations_of(entry))]
    fuzzy = [entry.msgid for entry in po if entry.fuzzy]
    obsolete = [entry.msgid for entry in po.obsolete_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert obsolete == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_the_placeholders_of_its_message(language):
    wrong = []
    for entry in catalogue(language):
        # Each form of a plural may keep the placeholders of the singular or of the plural
        # message (a singular may say "one" where the plural says "%(count)d").
        allowed = [placeholders(entry.msgid), placeholders(entry.msgid_plural or entry.msgid)]
        for text in translations_of(entry):
            if placeholders(text) not in allowed:
                wrong.append(f"{entry.msgid!r} → {text!r}")
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_holds_exactly_what_the_po_says(language):
    po = catalogue(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))

    def messages(entries) -> dict:
        return {
            (entry.msgctxt, entry.msgid): tuple(translations_of(entry))
            for entry in entries
            if entry.msgid and "fuzzy" not in getattr(entry, "flags", ())
        }

    assert messages(mo) == messages(po)
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")
