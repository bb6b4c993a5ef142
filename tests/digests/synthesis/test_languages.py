"""Language-aware text: detection on a mixed corpus, verbatim sentences, and words without any
language's stop words."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from comments.digests.synthesis import languages

# Consultation answers on the same points, as stakeholders write them in each language.
MIXED = {
    "en": [
        "Independent external testers should be named among the options, and the results of "
        "their tests should be published before the system is deployed.",
        "We support this action, but the reporting duty is too vague for small developers.",
        "The draft should say who pays for the audits and how often they are repeated.",
    ],
    "fr": [
        "Les développeurs devraient publier les résultats des tests indépendants avant le "
        "déploiement du système.",
        "Nous soutenons cette action, mais l'obligation de rapport est trop vague pour les "
        "petites entreprises.",
        "Le projet doit préciser qui paie les audits et à quelle fréquence ils sont répétés.",
    ],
    "de": [
        "Die Entwickler sollten die Ergebnisse unabhängiger Tests veröffentlichen, bevor das "
        "System eingesetzt wird.",
        "Wir unterstützen diese Maßnahme, aber die Berichtspflicht ist für kleine Anbieter zu "
        "unklar.",
        "Der Entwurf sollte sagen, wer die Prüfungen bezahlt und wie oft sie wiederholt werden.",
    ],
    "it": [
        "Gli sviluppatori dovrebbero pubblicare i risultati dei test indipendenti prima della "
        "diffusione del sistema.",
        "Sosteniamo questa azione, ma l'obbligo di rendicontazione è troppo vago per le piccole "
        "imprese.",
        "La bozza dovrebbe dire chi paga le verifiche e con quale frequenza sono ripetute.",
    ],
    "ja": [
        "開発者は、システムの導入前に独立したテストの結果を公開すべきである。",
        "この行動を支持しますが、小規模な開発者にとって報告義務があいまいすぎます。",
        "監査の費用を誰が負担し、どのくらいの頻度で繰り返すのかを明記すべきです。",
    ],
    "es": [
        "Los desarrolladores deberían publicar los resultados de las pruebas independientes "
        "antes del despliegue del sistema.",
        "Apoyamos esta acción, pero la obligación de informar es demasiado vaga para las "
        "pequeñas empresas.",
        "El borrador debería decir quién paga las auditorías y con qué frecuencia se repiten.",
    ],
}


def test_every_language_of_a_mixed_corpus_is_detected():
    texts = [(language, text) for language, group in MIXED.items() for text in group]
    found = languages.detect_many(text for _, text in texts)
    assert found == [language for language, _ in texts]
    assert [languages.detect(text) for _, text in texts] == found


@pytest.mark.parametrize("text", ["", ".", "N/A", "#NAME?", "4.", "OK", "   \n  "])
def test_too_little_text_is_undetermined(text):
    assert languages.detect(text) == languages.UNDETERMINED


def test_sentences_are_verbatim_and_respect_abbreviations_lists_and_japanese():
    english = (
        "We support the action, e.g. the red-team duty. It should cover open models too!\n\n"
        "- Publish the results.\n- Name the testers. 2. Keep the logs."
    )
    assert languages.sentences(english, "en") == [
        "We support the action, e.g. the red-team duty.",
        "It should cover open models too!",
        "Publish the results.",
        "Name the testers.",
        "2. Keep the logs.",
    ]
    german = "Wir fordern z. B. externe Prüfungen. Die Frist ist zu kurz."
    assert languages.sentences(german, "de") == [
        "Wir fordern z. B. externe Prüfungen.",
        "Die Frist ist zu kurz.",
    ]
    french = "Nous demandons p. ex. des audits. Le délai est trop court."
    assert languages.sentences(french, "fr") == [
        "Nous demandons p. ex. des audits.",
        "Le délai est trop court.",
    ]
    japanese = "テスト結果を公開すべきです。期限が短すぎます！"
    assert languages.sentences(japanese, "ja") == [
        "テスト結果を公開すべきです。",
        "期限が短すぎます！",
    ]
    assert languages.sentences("The program. It runs.", "fr") == ["The program.", "It runs."]


_TEXT = st.lists(
    st.sampled_from([*list("abcdefgh ABC.,!?…\n-•12"), "e.g. ", "z. B. ", "。", "テスト"]),
    max_size=120,
).map("".join)


_MARKERS = " \n\t-•*0123456789.)"


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, language=st.sampled_from([*languages.LANGUAGES, languages.UNDETERMINED]))
@example(text="A claim.\n- ", language="en")
def test_every_sentence_is_a_verbatim_slice_in_order_and_nothing_but_space_is_lost(text, language):
    found = languages.sentences(text, language)
    position = 0
    for sentence in found:
        assert sentence and sentence == sentence.strip()
        at = text.find(sentence, position)
        assert at >= 0, (sentence, text)
        gap = text[position:at]
        assert not gap.strip(_MARKERS), (gap, text)  # spaces and list markers
        position = at + len(sentence)
    assert not text[position:].strip(_MARKERS)  # an empty list item at the end is no sentence


def test_words_leave_out_each_languages_stop_words_and_segment_japanese():
    for language, group in MIXED.items():
        stop = languages.stop_words(language) | languages.stop_words("en")
        for text in group:
            found = languages.words(text, language)
            assert found and not set(found) & stop, (language, found)
    assert "und" not in languages.words("Tests und Prüfungen und Berichte", "de")
    japanese = languages.words(MIXED["ja"][0], "ja")
    assert {"開発", "導入", "テスト", "公開"} <= set(japanese)
    assert "は" not in japanese and "の" not in japanese


def test_the_same_point_in_two_languages_shares_no_stop_word_theme():
    """The old keyword themes grouped French and German answers by their stop words ("et,
    les, la"; "und, der, die"): with each language's stop words gone, none is left to share."""
    french = set(languages.words(" ".join(MIXED["fr"]), "fr"))
    german = set(languages.words(" ".join(MIXED["de"]), "de"))
    assert not {"et", "les", "la", "und", "der", "die"} & (french | german)
