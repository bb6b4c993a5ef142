"""Personal API tokens: the services, the Bearer authentication and scope checks, the pages."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import path
from django.utils import timezone
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts import services
from accounts.api.permissions import HasTokenScope
from accounts.models import ApiToken
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_token, make_user

pytestmark = pytest.mark.django_db
Scope = ApiToken.Scope
ME = "/api/v1/me/"


def _bearer(raw: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- Services ---------------------------------------------------------------------------


def test_create_returns_a_token_that_authenticates():
    user = make_user()
    token, raw = make_token(user=user, scopes=[Scope.COMMENTS_WRITE, Scope.COMMENTS_READ])
    assert raw.startswith(f"haip_{token.prefix}_")
    assert len(raw.split("_", 2)[2]) >= 43
    assert 8 <= len(token.prefix) <= 12
    assert token.scopes == ["comments:read", "comments:write"]
    assert services.api_token_authenticate(raw) == token
    assert services.api_token_authenticate(raw).user == user  # type: ignore[union-attr]


def test_tokens_are_unique_and_hashed():
    _t1, raw1 = make_token()
    _t2, raw2 = make_token()
    assert raw1 != raw2
    token = ApiToken.objects.get(prefix=raw1.split("_")[1])
    assert len(token.key_hash) == 64 and raw1 not in token.key_hash


def test_the_token_table_holds_no_plaintext_and_no_secret():
    raws = [make_token(name=f"token {n}")[1] for n in range(3)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        rows = cursor.fetchall()
    assert len(rows) == 3
    stored = [str(value) for row in rows for value in row]
    for raw in raws:
        secret = raw.split("_", 2)[2]
        assert not any(raw in value for value in stored)
        assert not any(secret in value for value in stored)
        # Not even a long piece of the secret.
        assert not any(secret[:16] in value for value in stored)


def test_last_used_is_written_at_most_once_a_minute(django_assert_num_queries):
    token, raw = make_token()
    assert token.last_used_at is None
    with django_assert_num_queries(2):  # lookup + update
        services.api_token_authenticate(raw)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # lookup only
        services.api_token_authenticate(raw)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    services.api_token_authenticate(raw)
    latest = ApiToken.objects.get(pk=token.pk).last_used_at
    assert latest is not None and latest > first


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"scopes": []}, "scopes", "at least one scope"),
        ({"scopes": ["comments:delete"]}, "scopes", "Unknown scope"),
        ({"name": ""}, "name", "name of 1 to 100"),
        ({"name": "x" * 101}, "name", "name of 1 to 100"),
        ({"expires_at": timedelta(days=366)}, "expires_at", "at most one year"),
        ({"expires_at": timedelta(days=-1)}, "expires_at", "in the future"),
    ],
)
def test_create_refuses_bad_input(kwargs, field, message):
    user = make_user()
    arguments: dict[str, Any] = {
        "user": user,
        "name": "CI",
        "scopes": [Scope.COMMENTS_READ],
        "expires_at": timezone.now() + timedelta(days=30),
    }
    if isinstance(kwargs.get("expires_at"), timedelta):
        kwargs = {"expires_at": timezone.now() + kwargs["expires_at"]}
    arguments.update(kwargs)
    with pytest.raises(ApplicationError) as raised:
        services.api_token_create(**arguments)
    assert raised.value.field == field
    assert message in raised.value.message
    assert not ApiToken.objects.exists()


def test_expiry_of_exactly_one_year_is_allowed():
    token, _raw = make_token(days=365)
    assert token.expires_at - token.created_at <= timedelta(days=365)


def test_at_most_twenty_active_tokens_per_user():
    user = make_user()
    tokens = [make_token(user=user, name=f"t{n}")[0] for n in range(20)]
    with pytest.raises(ApplicationError, match="20 active tokens"):
        make_token(user=user)
    services.api_token_revoke(user=user, token_id=tokens[0].pk)
    make_token(user=user)  # a revoked token frees a place
    make_token()  # other users are not limited by this one


def test_revoke_is_idempotent_and_only_for_own_tokens():
    owner, other = make_user(), make_user()
    token, raw = make_token(user=owner)
    with pytest.raises(ApiToken.DoesNotExist):
        services.api_token_revoke(user=other, token_id=token.pk)
    assert services.api_token_authenticate(raw) is not None
    revoked = services.api_token_revoke(user=owner, token_id=token.pk)
    first = revoked.revoked_at
    assert first is not None
    assert services.api_token_revoke(user=owner, token_id=token.pk).revoked_at == first
    assert services.api_token_authenticate(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "haip",
        "haip_",
        "token",
        "haip_short_" + "a" * 43,
        "haip_ABCDEFGH_tooshort",
        "xxxx_ABCDEFGH_" + "a" * 43,
        "haip_ABC-EFGH_" + "a" * 43,
    ],
)
def test_malformed_tokens_do_not_authenticate(raw):
    make_token()
    assert services.api_token_authenticate(raw) is None


def test_a_tampered_secret_does_not_authenticate():
    _token, raw = make_token()
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    with pytest.raises(ApplicationError, match="invalid"):
        services.api_token_check(raw=tampered)


def test_inactive_user_is_refused():
    user = make_user()
    _token, raw = make_token(user=user)
    user.is_active = False
    user.save()
    with pytest.raises(ApplicationError, match="inactive"):
        services.api_token_check(raw=raw)


# --- Bearer authentication over HTTP -------------------------------------------------------


def test_me_answers_with_the_user_and_the_token_scopes():
    user = make_user(email="api@example.org", name="API Client")
    _token, raw = make_token(user=user, scopes=[Scope.DIGESTS_READ])
    response = APIClient().get(ME, **_bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "api@example.org"
    assert body["name"] == "API Client"
    assert body["scopes"] == ["digests:read"]
    assert body["authenticated_by"] == "token"


def test_me_needs_authentication():
    response = APIClient().get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_me_with_a_browser_session(client):
    user = make_user()
    client.force_login(user)
    body = client.get(ME).json()
    assert body["authenticated_by"] == "session" and body["scopes"] is None


def _refused(raw_header: str) -> str:
    response = APIClient().get(ME, HTTP_AUTHORIZATION=raw_header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    return response.json()["detail"]


def test_revoked_token_is_refused():
    token, raw = make_token()
    services.api_token_revoke(user=token.user, token_id=token.pk)
    assert _refused(f"Bearer {raw}") == "The token has been revoked."


def test_expired_token_is_refused():
    token, raw = make_token()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=10),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert _refused(f"Bearer {raw}") == "The token has expired."


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer", "no token after Bearer"),
        ("Bearer a b", "must not contain spaces"),
        ("Bearer not-a-token", "malformed"),
        ("Bearer haip_AbC12345", "malformed"),
    ],
)
def test_malformed_header_is_refused(header, message):
    assert message in _refused(header)


def test_non_ascii_header_is_refused():
    response = APIClient().get(ME, HTTP_AUTHORIZATION="Bearer haip_é")
    assert response.status_code == 401


def test_unknown_prefix_is_refused():
    _token, raw = make_token()
    unknown = "haip_ZZZZZZZZ_" + raw.split("_", 2)[2]
    assert _refused(f"Bearer {unknown}") == "The token is invalid."


# --- Scopes ---------------------------------------------------------------------------------


class _WriteView(APIView):
    permission_classes = [IsAuthenticated, HasTokenScope]
    required_scopes = ("comments:write",)

    def get(self, request):
        return Response({"ok": True})


class _UndeclaredView(APIView):
    permission_classes = [IsAuthenticated, HasTokenScope]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("scoped/", _WriteView.as_view()),
    path("undeclared/", _UndeclaredView.as_view()),
]


@override_settings(ROOT_URLCONF=__name__)
def test_scoped_view_needs_the_scope():
    _token, with_scope = make_token(scopes=[Scope.COMMENTS_WRITE])
    _token, without = make_token(scopes=[Scope.COMMENTS_READ, Scope.DIGESTS_READ])
    api = APIClient()
    assert api.get("/scoped/", **_bearer(with_scope)).status_code == 200
    response = api.get("/scoped/", **_bearer(without))
    assert response.status_code == 403
    assert "comments:write" in response.json()["detail"]
    assert api.get("/scoped/").status_code == 401


@override_settings(ROOT_URLCONF=__name__)
def test_session_users_have_no_scopes_to_check(client):
    client.force_login(make_user())
    assert client.get("/scoped/").status_code == 200


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_must_declare_its_scopes():
    from django.core.exceptions import ImproperlyConfigured

    _token, raw = make_token()
    with pytest.raises(ImproperlyConfigured):
        APIClient().get("/undeclared/", **_bearer(raw))
