"""The API answers errors in the language the request asks for (``Accept-Language``): the
message is translated, the code stays English, the shape stays the same."""

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def _gettext(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", ["fr", "de", "it", "ja"])
def test_a_missing_draft_is_not_found_in_the_requests_language(client, language):
    response = client.get("/api/v1/drafts/no-such-draft/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    body = response.json()
    assert body == {"code": "not_found", "message": _gettext(language, "Not found."), "errors": {}}
    assert body["message"] != "Not found."
    assert response["Content-Language"] == language


def test_an_unknown_api_address_is_not_found_in_japanese(client):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 404
    assert response.json()["message"] == "見つかりません。"


def test_without_credentials_the_refusal_is_in_german_and_its_code_in_english(client):
    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="de")
    body = response.json()
    assert response.status_code in (401, 403)
    assert body["code"] == "not_authenticated"
    assert body["message"] == _gettext("de", "Authentication credentials were not provided.")
    assert body["message"] != "Authentication credentials were not provided."


def test_an_english_request_keeps_the_english_messages(client):
    response = client.get("/api/v1/drafts/no-such-draft/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "Not found."
