"""The digests API: ask for a digest, poll it, read its synthesis; scopes and roles."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from comments.digests import services
from comments.digests.models import Digest
from tests.accounts.factories import make_token

pytestmark = pytest.mark.django_db


def test_api_asks_for_a_digest_and_polls_it(
    consultation, client, secretariat_user, django_capture_on_commit_callbacks
):
    _token, raw = make_token(
        user=secretariat_user, scopes=[ApiToken.Scope.DIGESTS_READ, ApiToken.Scope.DIGESTS_WRITE]
    )
    url = reverse("digests_api:version_digests", args=["haip", 1])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"audience": "public", "sections": ["action-1"]},
            content_type="application/json",
            headers={"authorization": f"Bearer {raw}"},
        )
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "queued" and body["sections"] == ["action-1"]
    polled = client.get(response["Location"], headers={"authorization": f"Bearer {raw}"}).json()
    assert polled["status"] == "ready" and polled["progress"] == 100
    synthesis = client.get(polled["synthesis_url"], headers={"authorization": f"Bearer {raw}"})
    assert synthesis.json()["overview"]["comments"] == polled["comments"]
    assert {f["format"] for f in polled["files"]} >= {"pdf", "docx", "matrix.xlsx"}


def test_api_refuses_digest_requests_without_the_scope_or_the_role(
    consultation, client, secretariat_user
):
    url = reverse("digests_api:version_digests", args=["haip", 1])
    _token, read_only = make_token(user=secretariat_user, scopes=[ApiToken.Scope.DIGESTS_READ])
    response = client.post(
        url, {"audience": "public"}, content_type="application/json",
        headers={"authorization": f"Bearer {read_only}"},
    )  # fmt: skip
    assert response.status_code == 403 and "digests:write" in response.json()["message"]
    _token, filer = make_token(user=consultation["filer"], scopes=[ApiToken.Scope.DIGESTS_WRITE])
    response = client.post(
        url, {"audience": "public"}, content_type="application/json",
        headers={"authorization": f"Bearer {filer}"},
    )  # fmt: skip
    assert response.status_code == 403
    assert "secretariat and working-group" in response.json()["message"]
    _token, secretariat = make_token(user=secretariat_user, scopes=[ApiToken.Scope.DIGESTS_WRITE])
    response = client.post(
        url, {"audience": "press"}, content_type="application/json",
        headers={"authorization": f"Bearer {secretariat}"},
    )  # fmt: skip
    assert response.status_code == 400 and "audience" in response.json()["errors"]
    assert not Digest.objects.exists()


def test_api_synthesis_exists_once_ready(consultation, client, secretariat_user):
    digest = services.digest_request(
        user=secretariat_user, version=consultation["version"], audience="public"
    )  # queued: no worker ran it
    _token, raw = make_token(user=secretariat_user, scopes=[ApiToken.Scope.DIGESTS_READ])
    auth = {"authorization": f"Bearer {raw}"}
    body = client.get(reverse("digests_api:digest_detail", args=[digest.pk]), headers=auth)
    assert body.json()["synthesis_url"] is None
    url = reverse("digests_api:digest_synthesis", args=[digest.pk])
    response = client.get(url, headers=auth)
    assert response.status_code == 404 and "is queued" in response.json()["message"]
    services.digest_build(digest_id=digest.pk)
    assert client.get(url, headers=auth).json()["overview"]["comments"] == 8


def test_every_stage_a_build_reports_is_shown_in_the_readers_language(
    consultation, client, secretariat_user
):
    from comments.digests.synthesis import SynthesisRequest, synthesise
    from tests.digests.briefing_corpus import briefing_corpus

    reported: list[str] = []
    records, _claims = briefing_corpus()
    synthesise(
        records[:60], SynthesisRequest(), progress=lambda stage, done: reported.append(stage)
    )
    assert set(reported) <= set(services.STAGES) and len(reported) >= 4

    digest = services.digest_request(
        user=secretariat_user, version=consultation["version"], audience="public"
    )
    _token, raw = make_token(user=secretariat_user, scopes=[ApiToken.Scope.DIGESTS_READ])
    url = reverse("digests_api:digest_detail", args=[digest.pk])
    for stage in services.STAGES:
        Digest.objects.filter(pk=digest.pk).update(stage=stage)
        shown = {
            language: client.get(
                url, headers={"authorization": f"Bearer {raw}", "accept-language": language}
            ).json()["stage"]
            for language in ("en", "fr", "ja")
        }
        assert shown["en"] == stage
        assert len({shown["en"], shown["fr"], shown["ja"]}) == 3, shown
