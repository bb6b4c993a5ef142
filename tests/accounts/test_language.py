"""The portal in the G7's languages: the browser's language by default, a switch on every page
that a signed-in person's account remembers, no language in the URLs, and dates written as
each language writes them."""

from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format

from accounts.models import User
from comments.notifications import send_receipt
from tests.comments.factories import representative_of, submit, verified_organisation
from tests.drafts.factories import make_draft, publish

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"


def translated(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_home_page_is_served_in_the_browsers_language(client, language):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    html = page.content.decode()
    assert page["Content-Language"] == language
    assert f'<html lang="{language}">' in html
    assert translated(language, "Consultations") in html
    skip = translated(language, "Skip to content")
    assert skip in html and (skip != "Skip to content") == (language != "en")


def test_a_japanese_browser_gets_the_japanese_home_page(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ja-JP,ja;q=0.9").content.decode()
    assert '<html lang="ja">' in html
    assert "本文へスキップ" in html and "意見募集" in html


def test_an_unknown_language_falls_back_to_english(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    assert '<html lang="en">' in html and "Skip to content" in html


def test_every_page_offers_the_switch_with_each_language_named_in_itself(client):
    html = client.get("/").content.decode()
    assert f'action="{reverse("accounts:set_language")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="language-switch-select">' in html
    for code, name in [
        ("en", "English"),
        ("fr", "Français"),
        ("de", "Deutsch"),
        ("it", "Italiano"),
        ("ja", "日本語"),
    ]:
        assert f'<option value="{code}" lang="{code}"' in html and f">{name}</option>" in html


def test_the_switch_sets_the_language_and_the_url_stays_the_same(client):
    response = client.post(reverse("accounts:set_language"), {"language": "de", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="de">' in html and "Zum Inhalt springen" in html


def test_the_switch_refuses_a_get(client):
    assert client.get(reverse("accounts:set_language"), {"language": "de"}).status_code == 405


def test_the_switch_never_redirects_to_another_site(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def _sign_in(client, user: User) -> None:
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" in client.session


@pytest.fixture
def person(db) -> User:
    user = User.objects.create_user(email="aiko@ministry.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_a_signed_in_persons_choice_survives_sign_out_and_sign_in_elsewhere(client, person):
    _sign_in(client, person)
    client.post(reverse("accounts:set_language"), {"language": "ja", "next": "/"})
    person.refresh_from_db()
    assert person.language == "ja"
    client.post(reverse("account_logout"))

    other_browser = type(client)()
    html = other_browser.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in html
    _sign_in(other_browser, person)
    html = other_browser.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="ja">' in html and "本文へスキップ" in html


def test_a_person_who_never_chose_gets_the_browsers_language(client, person):
    _sign_in(client, person)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert '<html lang="it">' in html
    person.refresh_from_db()
    assert person.language == ""


@pytest.mark.parametrize(
    ("language", "date", "date_and_time"),
    [
        ("en", "1 Dec 2026", "1 Dec 2026, 14:05"),
        ("fr", "1 décembre 2026", "1 décembre 2026 14:05"),
        ("de", "1. Dezember 2026", "1. Dezember 2026 14:05"),
        ("it", "1 Dicembre 2026", "1 Dicembre 2026, 14:05"),
        ("ja", "2026年12月1日", "2026年12月1日 14:05"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(language, date, date_and_time):
    moment = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)
    template = Template('{{ moment|date }}|{{ moment|date:"DATETIME_FORMAT" }}')
    with translation.override(language):
        assert template.render(Context({"moment": moment})) == f"{date}|{date_and_time}"


@pytest.mark.parametrize(("language", "number"), [("en", "1,234.5"), ("de", "1.234,5")])
def test_numbers_are_written_as_each_language_writes_them(language, number):
    with translation.override(language):
        assert number_format(1234.5, use_l10n=True, force_grouping=True) == number


def test_an_email_is_written_in_the_recipients_chosen_language(mailoutbox):
    version = publish(make_draft(slug="code").versions.get(number=1))
    author = representative_of(verified_organisation())
    author.language = "ja"
    author.save(update_fields=["language"])
    comment = submit(version=version, author=author)
    mailoutbox.clear()

    with translation.override("fr"):  # whoever's request sends it, the recipient's language
        send_receipt(comment.pk)

    (message,) = mailoutbox
    assert message.subject == f"[HAIP 意見募集] コメントを受け付けました：{comment.reference}"
    assert "参照番号：" in message.body and "Reference:" not in message.body


def test_an_email_to_someone_who_never_chose_is_in_english(mailoutbox):
    version = publish(make_draft(slug="code").versions.get(number=1))
    comment = submit(version=version, author=representative_of(verified_organisation()))
    mailoutbox.clear()
    with translation.override("de"):
        send_receipt(comment.pk)
    (message,) = mailoutbox
    assert message.subject.startswith("[HAIP Consultation] Comment received: ")
