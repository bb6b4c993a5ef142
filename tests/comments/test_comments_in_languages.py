"""Commenting in one's own language on a rendering: the comment is anchored to the master's
line, its quote keeps the rendering's words and language, and the comment's language is
detected at filing and corrected by its author."""

import json

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from comments import services
from comments.anchoring import Quote
from comments.models import CarriedComment, Comment
from drafts import services as draft_services
from haip_portal import languages
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_token
from tests.comments.factories import representative_of, submit, verified_organisation
from tests.drafts.factories import demo_source, open_version_in_languages

pytestmark = pytest.mark.django_db

JAPANESE_BODY = "来歴情報には生成日時も含めるべきです。利用者が判断できるようにしてください。"


@pytest.fixture
def version():
    return open_version_in_languages("fr", "ja")


@pytest.fixture
def author():
    return representative_of(verified_organisation(name="Kumo AI K.K."))


def test_a_japanese_quote_is_checked_against_the_japanese_line_and_anchored_to_the_master(
    version, author
):
    comment = submit(
        version=version,
        author=author,
        line_start=20,
        body=JAPANESE_BODY,
        quote=Quote("識別情報", language="ja"),
    )
    assert (comment.line_start, comment.line_end, comment.section.key) == (20, 20, "action-7")
    assert (comment.quote_exact, comment.quote_language, comment.language) == (
        "識別情報",
        "ja",
        "ja",
    )


def test_a_quote_not_in_the_rendering_line_is_refused_naming_the_line(version, author):
    with pytest.raises(ApplicationError, match="does not appear in line 20"):
        submit(
            version=version, author=author, line_start=20, quote=Quote("watermarks", language="ja")
        )
    with pytest.raises(ApplicationError, match="no published rendering in 'de'") as refusal:
        submit(
            version=version, author=author, line_start=20, quote=Quote("Herkunft", language="de")
        )
    assert refusal.value.field == "quote_language"
    assert not Comment.objects.exists()


def test_a_quote_in_the_masters_language_is_the_masters_text(version, author):
    comment = submit(
        version=version, author=author, line_start=20, quote=Quote("provenance", language="en")
    )
    assert comment.quote_language == ""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Nous demandons que les rapports soient publiés chaque année pour la société.", "fr"),
        ("Wir fordern, dass die Berichte jährlich veröffentlicht werden und nicht nur.", "de"),
        ("Chiediamo che le relazioni siano pubblicate ogni anno per la società civile.", "it"),
        ("The reports should be published every year and this should be monitored.", "en"),
        (JAPANESE_BODY, "ja"),
    ],
)
def test_the_language_of_a_comment_is_detected_at_filing(version, author, body, expected):
    assert languages.detect(body) == expected
    assert submit(version=version, author=author, body=body).language == expected


def test_an_undetermined_language_falls_back_to_the_text_quoted_or_the_master(version, author):
    assert languages.detect("OK.") == languages.UNDETERMINED
    quoted = submit(
        version=version,
        author=author,
        line_start=11,
        body="+1",
        quote=Quote("rapports de transparence", language="fr"),
    )
    assert quoted.language == "fr"
    assert submit(version=version, author=author, body="+1").language == "en"
    said = submit(version=version, author=author, body="+1", language="it")
    assert said.language == "it"


def test_the_author_corrects_the_detected_language(client, version, author):
    comment = submit(version=version, author=author, body="Rapporti annuali, per favore, sì.")
    client.force_login(author)
    response = client.post(
        reverse("comments:comment_edit", args=[comment.reference]),
        {"kind": comment.kind, "body": comment.body, "language": "it"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.language == "it"


def test_the_form_on_a_rendering_files_the_quote_in_its_language(client, version, author):
    client.force_login(author)
    page = client.get(version.get_absolute_url() + "?lang=ja").content.decode()
    assert 'name="quote_language" value="ja"' in page
    url = reverse("comments:comment_create", args=[version.draft.slug, version.number])
    response = client.post(
        url,
        {
            "line_start": 20,
            "line_end": 20,
            "quote_exact": "識別情報",
            "quote_language": "ja",
            "kind": "technical",
            "body": JAPANESE_BODY,
            "visibility": "public",
            "language": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    comment = Comment.objects.get()
    assert (comment.line_start, comment.quote_language, comment.language) == (20, "ja", "ja")
    card = client.get(version.get_absolute_url() + "?line=20").content.decode()
    assert '“<span lang="ja">識別情報</span>”' in card


def test_the_api_accepts_and_returns_the_languages(client, version, author):
    _token, raw = make_token(
        user=author, scopes=(ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
    )
    url = reverse("comments_api:version_comments", args=[version.draft.slug, version.number])
    payload = {
        "line_start": 11,
        "body": "Nous soutenons la publication de ces rapports chaque année.",
        "quote": {"exact": "rapports de transparence", "language": "fr"},
    }
    response = client.post(
        url,
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    listed = client.get(url, headers={"Authorization": f"Bearer {raw}"}).json()["results"][0]
    for shown in (created, listed):
        assert shown["language"] == "fr"
        assert shown["quote"]["language"] == "fr"
        assert shown["line_start"] == 11
    plain = {"line_start": 4, "body": "Independent testing should be the rule.", "language": "en"}
    response = client.post(
        url,
        json.dumps(plain),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.json()["language"] == "en"


def test_a_comment_quoting_a_rendering_is_carried_to_the_next_version_by_its_line(version, author):
    submit(
        version=version,
        author=author,
        line_start=20,
        body=JAPANESE_BODY,
        quote=Quote("識別情報", language="ja"),
    )
    v2 = draft_services.version_create(draft=version.draft, created_by=None)
    services.comments_carry(version=v2)
    carried = CarriedComment.objects.get()
    assert (carried.outcome, carried.line_start) == ("kept", 20)


def test_the_demo_sources_stay_in_the_repository():
    assert "識別情報" in demo_source("ja")
