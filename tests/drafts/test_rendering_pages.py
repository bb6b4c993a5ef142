"""Reading a version in another language: the page (``?lang=``), the secretariat's page of
translations, and the API."""

import pytest
from django.test import Client
from django.urls import reverse

from drafts.models import Draft, Rendering
from tests.drafts.factories import (
    attach,
    demo_source,
    make_draft,
    open_version_in_languages,
    rendered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return open_version_in_languages("fr", "ja")


def test_the_page_lists_the_languages_and_shows_the_chosen_one_on_the_masters_lines(
    client, version
):
    page = client.get(version.get_absolute_url() + "?lang=ja").content.decode()
    assert 'hreflang="fr"' in page and ">Français</a>" in page
    assert '<span aria-current="true" class="current" lang="ja">日本語</span>' in page
    assert 'id="action-7" lang="ja"' in page
    # Line 20 is the same line in every language: the master's number, the rendering's words.
    assert 'id="L20"' in page and "識別情報を含む来歴の仕組み" in page
    assert "Implement provenance mechanisms" not in page
    english = client.get(version.get_absolute_url()).content.decode()
    assert "Implement provenance mechanisms" in english and 'id="action-7" lang="en"' in english
    assert english.count('class="line ') == page.count('class="line ') == version.line_count


def test_a_language_without_a_rendering_sends_the_reader_to_the_master(client, version):
    response = client.get(version.get_absolute_url() + "?lang=de&line=4")
    assert response.status_code == 302
    assert response.url == version.get_absolute_url() + "?line=4"


def test_an_unpublished_rendering_is_seen_only_by_the_secretariat(secretariat_client, version):
    attach(version, "de", demo_source("de"))
    client = Client()
    assert "?lang=de" not in client.get(version.get_absolute_url()).content.decode()
    assert client.get(version.get_absolute_url() + "?lang=de").status_code == 302
    preview = secretariat_client.get(version.get_absolute_url() + "?lang=de")
    assert preview.status_code == 200 and "Modellgewichten" in preview.content.decode()


def test_the_secretariat_attaches_a_translation_or_reads_why_it_is_refused(secretariat_client):
    version = make_draft(slug="code").versions.get(number=1)
    url = reverse("drafts:version_renderings", args=["code", 1])
    refused = secretariat_client.post(url, {"language": "it", "source": "## 1. Solo\n- uno\n"})
    assert refused.status_code == 200
    assert "Section &#x27;preamble&#x27;" in refused.content.decode()
    assert not Rendering.objects.exists()
    done = secretariat_client.post(
        url, {"language": "it", "source": rendered(version.source, marker="it")}
    )
    assert done.status_code == 302
    assert Rendering.objects.get().language == "it"
    removed = secretariat_client.post(
        reverse("drafts:rendering_action", args=["code", 1, "it"]), {"action": "remove"}
    )
    assert removed.status_code == 302 and not Rendering.objects.exists()


def test_stakeholders_cannot_reach_the_translations_page(client, stakeholder_user, version):
    client.force_login(stakeholder_user)
    url = reverse("drafts:version_renderings", args=[version.draft.slug, 1])
    assert client.get(url).status_code == 403


# --- The API ------------------------------------------------------------------------------


def _api(version, **query):
    url = reverse("drafts_api:version_detail", args=[version.draft.slug, version.number])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_api_offers_the_languages_and_returns_a_rendering_on_the_masters_lines(client, version):
    master = client.get(_api(version)).json()
    assert (master["language"], master["master_language"]) == ("en", "en")
    assert master["languages"] == ["en", "fr", "ja"]
    french = client.get(_api(version, lang="fr")).json()
    assert french["language"] == "fr"
    assert [line["number"] for line in french["lines"]] == [
        line["number"] for line in master["lines"]
    ]
    assert [line["section"] for line in french["lines"]] == [
        line["section"] for line in master["lines"]
    ]
    line_11 = next(line for line in french["lines"] if line["number"] == 11)
    assert line_11["text"].startswith("Publier des rapports de transparence à jour")
    assert line_11["source"].startswith("- Publier")
    headings = client.get(_api(version, lang="ja", include="sections")).json()["sections"]
    assert headings[7]["key"] == "action-7" and headings[7]["heading"].startswith("7. 利用者")


def test_the_api_says_which_languages_exist_when_asked_for_another(client, version):
    response = client.get(_api(version, lang="it"))
    assert response.status_code == 404
    assert "no published rendering in 'it'" in response.json()["message"]
    assert "en, fr, ja" in response.json()["message"]
    assert client.get(_api(version, lang="xx")).status_code == 400


def test_the_version_endpoint_reads_in_a_constant_number_of_queries_in_any_language(
    client, version, django_assert_num_queries
):
    with django_assert_num_queries(5):  # version, renderings, sections, lines, rendered lines
        client.get(_api(version, lang="ja"))


def test_the_compare_page_compares_two_renderings_on_the_masters_lines(client, version):
    from drafts import services

    v2 = services.version_create(draft=version.draft, created_by=None)
    attach(v2, "fr", demo_source("fr").replace("au moyen de programmes", "par des programmes"))
    services.version_publish(
        version=v2,
        opens_at=version.opens_at,
        closes_at=version.closes_at,
        changelog="Traduction revue.",
        published_by=None,
    )
    url = reverse("drafts:compare", args=[version.draft.slug]) + "?from=1&to=2&lang=fr"
    page = client.get(url).content.decode()
    assert '<section class="diff-section diff-changed" id="action-2" lang="fr"' in page
    assert "moyen" in page and "<del" in page and "<ins" in page
    assert '<details class="diff-section diff-unchanged" id="action-1" lang="fr">' in page
    assert 'name="lang" value="fr"' in page
    master = client.get(url.replace("&lang=fr", "")).content.decode()
    assert "au moyen de" not in master and 'id="action-2" lang="en"' in master


def test_the_secretariat_creates_a_draft_whose_master_is_in_japanese(secretariat_client):
    response = secretariat_client.post(
        reverse("drafts:draft_create"),
        {"title": "行動規範", "slug": "kodo", "language": "ja", "source": demo_source("ja")},
    )
    assert response.status_code == 302
    version = Draft.objects.get(slug="kodo").versions.get()
    assert version.language == "ja"
    english = attach(version, "en", demo_source())
    assert english.lines.get(number=20).text.startswith("Implement provenance")
