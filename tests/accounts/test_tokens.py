"""Personal API tokens: the services, the Bearer authentication and scope checks, the pages."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import path, reverse
from django.utils import timezone
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts import services
from accounts.api.permissions import HasTokenScope
from accounts.models import ApiToken
from haip_portal.exceptions import ApplicationError, NotFound
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
    with pytest.raises(NotFound, match="No such token"):
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
    return response.json()["message"]


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
    assert "comments:write" in response.json()["message"]
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


# --- Pages ----------------------------------------------------------------------------------


def test_pages_need_sign_in(client):
    for name in ("accounts:token_list", "accounts:token_create"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_create_page_shows_the_token_once(client):
    user = make_user()
    client.force_login(user)
    form = client.get(reverse("accounts:token_create")).content.decode()
    assert 'type="checkbox"' in form and 'name="scopes"' in form
    default = (timezone.localdate() + timedelta(days=90)).isoformat()
    assert f'value="{default}"' in form
    response = client.post(
        reverse("accounts:token_create"),
        {
            "name": "Ministry script",
            "scopes": ["comments:read", "comments:write"],
            "expires_on": default,
        },
    )
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    raw = response.context["raw"]
    assert raw in page
    assert "will not be shown again" in page
    assert raw not in str(client.session.items())
    token = ApiToken.objects.get(user=user)
    assert token.name == "Ministry script"
    assert token.scopes == ["comments:read", "comments:write"]
    assert token.expires_at.date() == timezone.localdate() + timedelta(days=90)
    assert services.api_token_authenticate(raw) == token
    listing = client.get(reverse("accounts:token_list")).content.decode()
    assert "Ministry script" in listing and token.prefix in listing
    assert raw not in listing and raw.split("_", 2)[2] not in listing


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "x", "scopes": [], "expires_on": "+30"}, "scopes", "required"),
        ({"name": "x", "scopes": ["admin"], "expires_on": "+30"}, "scopes", "valid choice"),
        ({"name": "", "scopes": ["comments:read"], "expires_on": "+30"}, "name", "required"),
        (
            {"name": "x", "scopes": ["comments:read"], "expires_on": "+366"},
            "expires_on",
            "one year",
        ),
        (
            {"name": "x", "scopes": ["comments:read"], "expires_on": "+0"},
            "expires_on",
            "after today",
        ),
        (
            {"name": "x", "scopes": ["comments:read"], "expires_on": "soon"},
            "expires_on",
            "valid date",
        ),
    ],
)
def test_create_page_refuses_bad_input(client, data, field, message):
    client.force_login(make_user())
    if data["expires_on"].startswith("+"):
        days = int(data["expires_on"][1:])
        data["expires_on"] = (timezone.localdate() + timedelta(days=days)).isoformat()
    response = client.post(reverse("accounts:token_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert not ApiToken.objects.exists()


def test_create_page_with_a_year_expiry(client):
    client.force_login(make_user())
    latest = (timezone.localdate() + timedelta(days=365)).isoformat()
    response = client.post(
        reverse("accounts:token_create"),
        {"name": "Year", "scopes": ["digests:read"], "expires_on": latest},
    )
    assert response.status_code == 201


def test_create_page_reports_the_limit_of_active_tokens(client):
    user = make_user()
    for n in range(20):
        make_token(user=user, name=f"t{n}")
    client.force_login(user)
    response = client.post(
        reverse("accounts:token_create"),
        {
            "name": "One more",
            "scopes": ["comments:read"],
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "20 active tokens" in response.content.decode()


def test_listing_shows_status_of_each_token(client):
    user = make_user()
    active, _ = make_token(user=user, name="Active one")
    revoked, _ = make_token(user=user, name="Revoked one")
    services.api_token_revoke(user=user, token_id=revoked.pk)
    expired, _ = make_token(user=user, name="Expired one")
    ApiToken.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - timedelta(days=10),
        expires_at=timezone.now() - timedelta(days=1),
    )
    make_token(name="Someone else's")
    client.force_login(user)
    page = client.get(reverse("accounts:token_list")).content.decode()
    assert "badge-token-active" in page and "badge-token-revoked" in page
    assert "badge-token-expired" in page
    assert "Someone else" not in page
    assert reverse("accounts:token_revoke", args=[active.pk]) in page
    assert reverse("accounts:token_revoke", args=[revoked.pk]) not in page


def test_revoke_page(client):
    user = make_user()
    token, raw = make_token(user=user)
    client.force_login(user)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:token_list")
    assert "is revoked" in response.content.decode()
    assert services.api_token_authenticate(raw) is None
    assert client.post(url).status_code == 302  # idempotent


def test_revoke_needs_csrf():
    from django.test import Client

    user = make_user()
    token, _raw = make_token(user=user)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 403
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_token_cannot_be_revoked_by_another_user(client):
    token, raw = make_token()
    client.force_login(make_user())
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert services.api_token_authenticate(raw) == token


@pytest.mark.parametrize("count", [1, 15])
def test_listing_is_constant_in_queries(client, django_assert_max_num_queries, count):
    user = make_user()
    for n in range(count):
        make_token(user=user, name=f"token {n}")
    client.force_login(user)
    with django_assert_max_num_queries(4):  # session, user, groups (navigation), tokens
        response = client.get(reverse("accounts:token_list"))
    assert response.content.decode().count("badge-token-active") == count


# --- Admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client_(admin_client):
    """pytest-django's admin client, whose superuser has the two-factor staff need."""
    return admin_client


def test_admin_lists_tokens_without_the_hash_and_revokes(admin_client_):
    token, raw = make_token(name="Support case")
    changelist = reverse("admin:accounts_apitoken_changelist")
    page = admin_client_.get(changelist).content.decode()
    assert "Support case" in page and token.prefix in page
    assert token.key_hash not in page
    detail = admin_client_.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert detail.status_code == 200
    assert token.key_hash not in detail.content.decode()
    assert admin_client_.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    response = admin_client_.post(
        changelist, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "1 token revoked." in response.content.decode()
    assert services.api_token_authenticate(raw) is None
