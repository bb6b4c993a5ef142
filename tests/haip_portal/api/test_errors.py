"""The API's one error handler: each of the domain's typed errors answers with the status its
class carries, in the one error shape, and the endpoints that raise them answer exactly as they
did before the errors were typed (the bodies below are those answers)."""

import json
import string

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIRequestFactory

from accounts.models import ApiToken
from comments import services
from haip_portal.api.errors import exception_handler
from haip_portal.api.models import IdempotencyRecord
from haip_portal.exceptions import ApplicationError, Conflict, NotAllowed, NotFound
from tests import typed_error_urls
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, submit, verified_organisation

FAMILY = [
    (ApplicationError, 422, "invalid"),
    (NotAllowed, 403, "permission_denied"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
]
FIELD = st.none() | st.text(string.ascii_lowercase + "_.", min_size=1, max_size=20)


def _handled(error: Exception):
    request = APIRequestFactory().get("/api/v1/")
    return exception_handler(error, {"request": request, "view": None})


@given(
    member=st.sampled_from(FAMILY),
    message=st.text(min_size=1, max_size=200),
    field=FIELD,
    code=st.none() | st.text(string.ascii_lowercase + "_", min_size=1, max_size=30),
)
def test_every_typed_error_answers_its_status_in_the_one_error_shape(member, message, field, code):
    cls, status, default_code = member
    response = _handled(cls(message, field=field, code=code))
    assert response.status_code == status
    if cls is NotFound:  # a 404 says nothing about what is not there
        assert response.data == {
            "code": code or default_code,
            "message": "Not found.",
            "errors": {},
        }
    else:
        errors = {field: [message]} if field else {}
        assert response.data == {"code": code or default_code, "message": message, "errors": errors}


@given(message=st.text(min_size=1, max_size=100), seconds=st.none() | st.integers(1, 3600))
def test_a_conflict_says_when_to_retry_when_it_knows(message, seconds):
    response = _handled(Conflict(message, retry_after=seconds))
    assert response.status_code == 409
    assert response.headers.get("Retry-After") == (None if seconds is None else str(seconds))


def test_extra_keys_join_the_body():
    response = _handled(ApplicationError("Exists.", extra={"reference": "HAIP-V1-000001"}))
    assert response.data["reference"] == "HAIP-V1-000001" and response.status_code == 422


@pytest.mark.urls("tests.typed_error_urls")
@pytest.mark.parametrize(
    ("kind", "django_kind"),
    [("not-allowed", "django-permission-denied"), ("not-found", "django-http404")],
)
def test_the_installed_handler_answers_typed_errors_as_djangos_own(client, kind, django_kind):
    typed, django = (
        client.get(f"/api/v1/raise/{kind}/"),
        client.get(f"/api/v1/raise/{django_kind}/"),
    )
    assert (typed.status_code, typed.json()) == (django.status_code, django.json())


@pytest.mark.urls("tests.typed_error_urls")
def test_the_installed_handler_answers_a_conflict_with_its_retry_after(client):
    response = client.get("/api/v1/raise/conflict/")
    assert response.status_code == 409 and response["Retry-After"] == "3"
    assert response.json() == {
        "code": "conflict",
        "message": typed_error_urls.MESSAGE,
        "errors": {"name": [typed_error_urls.MESSAGE]},
    }


# --- The endpoints that raise them ------------------------------------------------------------


@pytest.fixture
def world(db, client):
    cache.clear()  # the throttles' counters, per token id, from earlier tests
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    author = representative_of(verified_organisation(name="Kumo AI"))
    _token, raw = make_token(
        user=author, scopes=[scope for scope, _ in ApiToken.Scope.choices], days=30
    )
    comment = submit(version=version, author=author)
    return {"version": version, "author": author, "comment": comment, "auth": f"Bearer {raw}"}


def _post(client, world, url, data, **headers):
    return client.post(
        url,
        json.dumps(data),
        content_type="application/json",
        headers={"Authorization": world["auth"], **headers},
    )


def test_not_allowed_asking_for_a_digest_without_the_role(client, world):
    url = reverse("digests_api:version_digests", args=["haip", 1])
    response = _post(client, world, url, {"audience": "public"})
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Only the secretariat and working-group members ask for digests.",
        "errors": {},
    }


def test_not_found_a_reply_under_a_reply_of_another_comment_or_an_unknown_comment(client, world):
    other = submit(version=world["version"], author=world["author"])
    elsewhere = services.reply_create(comment=other, author=world["author"], body="Elsewhere.")
    url = reverse("comments_api:comment_reply", args=[world["comment"].reference])
    not_found = {"code": "not_found", "message": "Not found.", "errors": {}}
    for parent in (elsewhere.pk, elsewhere.pk + 1000):
        response = _post(client, world, url, {"body": "Misplaced.", "parent": parent})
        assert (response.status_code, response.json()) == (404, not_found)
    assert not world["comment"].replies.exists()
    unknown = reverse("comments_api:comment_detail", args=["HAIP-V1-999999"])
    response = client.get(unknown, headers={"Authorization": world["auth"]})
    assert (response.status_code, response.json()) == (404, not_found)
    reply = _post(client, world, url, {"body": "Here.", "parent": None})
    assert reply.status_code == 201


def test_conflict_a_retry_while_the_first_request_runs(client, world):
    url = reverse("comments_api:comment_withdraw", args=[world["comment"].reference])
    first = _post(client, world, url, {}, **{"Idempotency-Key": "k-1"})
    assert first.status_code == 200
    IdempotencyRecord.objects.filter(key="k-1").update(state="in_progress")  # still running
    retry = _post(client, world, url, {}, **{"Idempotency-Key": "k-1"})
    assert retry.status_code == 409 and retry["Retry-After"] == "1"
    assert retry.json() == {
        "code": "request_in_progress",
        "message": "A request with this Idempotency-Key is still being processed; retry shortly.",
        "errors": {},
    }


def test_refused_another_request_under_the_same_key_and_a_rule_of_the_domain(client, world):
    url = reverse("comments_api:comment_withdraw", args=[world["comment"].reference])
    assert _post(client, world, url, {}, **{"Idempotency-Key": "k-2"}).status_code == 200
    reused = _post(client, world, url, {"other": "body"}, **{"Idempotency-Key": "k-2"})
    assert (reused.status_code, reused.json()) == (
        422,
        {
            "code": "idempotency_key_reused",
            "message": "This Idempotency-Key was used for a different request; use a new key.",
            "errors": {},
        },
    )
    someone_else = submit(
        version=world["version"], author=representative_of(verified_organisation())
    )
    url = reverse("comments_api:comment_withdraw", args=[someone_else.reference])
    refused = _post(client, world, url, {})
    assert (refused.status_code, refused.json()) == (
        422,
        {"code": "invalid", "message": "Only the comment's author can withdraw it.", "errors": {}},
    )
