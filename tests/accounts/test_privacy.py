"""Privacy: the personal-data export, closing an account, and their pages."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import privacy, services
from accounts.models import ApiToken, AuditEntry, Membership, Organisation, User, WorkingGroup
from accounts.permissions import SECRETARIAT_GROUP
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import add_member, make_organisation, make_token, make_user
from tests.conftest import enable_totp, login_with_two_factor

pytestmark = pytest.mark.django_db
PASSWORD = "x" * 16  # the factories' password
Role = Membership.Role
MemberStatus = Membership.Status
SECTIONS = {
    "account",
    "email_addresses",
    "memberships",
    "organisations_registered",
    "working_groups",
    "api_tokens",
    "sessions",
    "audit_entries",
    "mfa_authenticators",
}


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _person(email: str = "ana@ministry.example", name: str = "Ana Silva") -> User:
    """A user with a verified primary address, who can sign in through allauth."""
    user = make_user(email=email, name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    """Sign in through allauth's login view (which records a usersessions row)."""
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        HTTP_USER_AGENT="Firefox on test",
    )


def _signed_in(client: Client, user: User) -> Client:
    response = _sign_in(client, user.email)
    assert response.status_code == 302, response.content
    assert client.session["_auth_user_id"] == str(user.pk)
    return client


def _export_text(user: User) -> str:
    # Without a custom encoder: the export promises plain JSON data.
    return json.dumps(privacy.personal_data(user=user))


# --- The export -----------------------------------------------------------------------------


def test_export_holds_every_section(client):
    user = _person()
    organisation = make_organisation(admin=user, name="Ministry of Digital Affairs")
    other = make_organisation(name="Kyoto AI Lab")
    add_member(other, user, status=MemberStatus.PENDING)
    token, _raw = make_token(user=user, name="Consolidation script")
    group = WorkingGroup.objects.create(name="Risk WG", slug="risk-wg")
    group.members.add(user)
    _signed_in(client, user)  # before two-factor, which would add a step to signing in
    enable_totp(user)
    user.refresh_from_db()

    data = privacy.personal_data(user=user)

    assert data["format"] == privacy.EXPORT_FORMAT
    assert data["user_id"] == user.pk
    sections = data["sections"]
    assert set(sections) >= SECTIONS  # other apps add their own sections
    assert sections["account"]["email"] == "ana@ministry.example"
    assert sections["account"]["name"] == "Ana Silva"
    assert sections["account"]["date_joined"] == user.date_joined.isoformat()
    assert sections["account"]["last_login"] is not None
    assert sections["email_addresses"] == [
        {"email": "ana@ministry.example", "verified": True, "primary": True}
    ]
    memberships = {m["organisation"]: m for m in sections["memberships"]}
    assert memberships["Ministry of Digital Affairs"]["role"] == "admin"
    assert memberships["Ministry of Digital Affairs"]["status"] == "approved"
    assert memberships["Kyoto AI Lab"]["status"] == "pending"
    assert [o["slug"] for o in sections["organisations_registered"]] == [organisation.slug]
    assert sections["working_groups"] == [{"name": "Risk WG", "slug": "risk-wg"}]
    [exported_token] = sections["api_tokens"]
    assert exported_token["name"] == "Consolidation script"
    assert exported_token["prefix"] == token.prefix
    assert exported_token["scopes"] == ["comments:read"]
    assert exported_token["expires_at"] == token.expires_at.isoformat()
    [session] = sections["sessions"]
    assert session["user_agent"] == "Firefox on test" and session["ip"] == "127.0.0.1"
    assert session["created_at"] and session["last_seen_at"]
    assert [e["action"] for e in sections["audit_entries"]] == ["organisation.register"]
    assert sections["audit_entries"][0]["target_label"] == "Ministry of Digital Affairs"
    assert sections["mfa_authenticators"][0]["type"] == "totp"
    assert set(sections["mfa_authenticators"][0]) == {"type", "created_at", "last_used_at"}
    assert json.loads(_export_text(user))["sections"] == sections


def test_export_holds_no_secret(client):
    user = _person()
    token, raw = make_token(user=user)
    _signed_in(client, user)
    totp_secret = enable_totp(user)
    RecoveryCodes.activate(user)
    user.refresh_from_db()
    stored_secrets = [
        raw,
        raw.split("_", 2)[2],
        token.key_hash,
        user.password,
        totp_secret,
        client.session.session_key,
    ]
    for authenticator in Authenticator.objects.filter(user=user):
        stored_secrets.append(authenticator.data.get("secret") or authenticator.data["seed"])

    text = _export_text(user)

    for secret in stored_secrets:
        assert secret and secret not in text
    assert "key_hash" not in text and "password" not in text


def test_export_leaves_other_peoples_names_out_of_audit_labels():
    admin = _person()
    organisation = make_organisation(admin=admin, name="Ministry")
    requester = make_user(email="bob@ministry.example", name="Bob Requester")
    membership = services.membership_request(user=requester, organisation=organisation)
    services.membership_approve(membership=membership, actor=admin)

    entries = privacy.personal_data(user=admin)["sections"]["audit_entries"]

    approve = next(e for e in entries if e["action"] == "membership.approve")
    assert approve["target_id"] == str(membership.pk)
    assert approve["organisation"] == organisation.slug
    assert "Bob" not in _export_text(admin) and "bob@" not in _export_text(admin)


def _comments_section(user: User) -> dict[str, Any]:
    return {"comments": [{"reference": "HAIP-1", "at": datetime(2026, 5, 1, tzinfo=UTC)}]}


def _clashing_section(user: User) -> dict[str, Any]:
    return {"account": {}}


@override_settings(
    PERSONAL_DATA_SECTIONS=[
        "accounts.privacy.account_sections",
        "tests.accounts.test_privacy._comments_section",
    ]
)
def test_other_apps_add_sections_through_the_setting():
    data = privacy.personal_data(user=make_user())
    assert set(data["sections"]) >= SECTIONS | {"comments"}
    assert data["sections"]["comments"] == [{"reference": "HAIP-1", "at": "2026-05-01T00:00:00Z"}]


@override_settings(
    PERSONAL_DATA_SECTIONS=[
        "accounts.privacy.account_sections",
        "tests.accounts.test_privacy._clashing_section",
    ]
)
def test_two_apps_cannot_give_the_same_section():
    with pytest.raises(ImproperlyConfigured, match="account"):
        privacy.personal_data(user=make_user())


# --- Closing: refusals ------------------------------------------------------------------------


def _unchanged(user: User, raw_token: str) -> None:
    fresh = User.objects.get(pk=user.pk)
    assert fresh.is_active and fresh.email == user.email and fresh.name == user.name
    assert fresh.check_password(PASSWORD)
    assert services.api_token_authenticate(raw_token) is not None
    assert EmailAddress.objects.filter(user=user).exists()
    assert Membership.objects.filter(user=user).exists()
    assert not AuditEntry.objects.filter(action="account.close").exists()


def test_a_wrong_password_closes_nothing():
    user = _person()
    make_organisation(admin=user)
    _token, raw = make_token(user=user)
    with pytest.raises(ApplicationError) as raised:
        privacy.account_close(user=user, password="not my password")
    assert raised.value.field == "password"
    assert "not your current password" in raised.value.message
    _unchanged(user, raw)


def test_an_account_without_a_usable_password_is_refused_clearly():
    user = _person()
    user.set_unusable_password()
    user.save()
    with pytest.raises(ApplicationError, match="no password") as raised:
        privacy.account_close(user=user, password="")
    assert raised.value.field == "password"
    assert User.objects.get(pk=user.pk).is_active


def test_the_last_admin_of_an_organisation_with_members_is_refused():
    user = _person()
    organisation = make_organisation(admin=user, name="Kyoto AI Lab")
    add_member(organisation, role=Role.REPRESENTATIVE)
    _token, raw = make_token(user=user)
    with pytest.raises(ApplicationError) as raised:
        privacy.account_close(user=user, password=PASSWORD)
    assert "Kyoto AI Lab" in raised.value.message
    assert "hand over admin" in raised.value.message
    assert privacy.organisations_needing_handover(user=user) == [organisation]
    _unchanged(user, raw)


def test_an_organisation_with_another_admin_or_no_other_member_does_not_block():
    user = _person()
    shared = make_organisation(admin=user, name="Shared")
    add_member(shared, role=Role.ADMIN)
    add_member(shared)
    alone = make_organisation(admin=user, name="Alone")
    add_member(alone, status=MemberStatus.PENDING)  # a request, decided by the secretariat
    add_member(alone, status=MemberStatus.REJECTED)
    assert privacy.organisations_needing_handover(user=user) == []
    privacy.account_close(user=user, password=PASSWORD)
    assert not User.objects.get(pk=user.pk).is_active


def test_an_admin_who_is_only_a_member_elsewhere_is_not_blocked_there():
    user = _person()
    organisation = make_organisation(name="Elsewhere")
    add_member(organisation, user, role=Role.MEMBER)
    assert privacy.organisations_needing_handover(user=user) == []


# --- Closing: what happens ---------------------------------------------------------------------


def test_closing_anonymises_and_locks_the_account_for_good(client):
    user = _person()
    organisation = make_organisation(admin=user, name="Ministry", verified=True)
    add_member(organisation, role=Role.ADMIN)
    other = make_organisation(name="Kyoto AI Lab")
    pending = add_member(other, user, status=MemberStatus.PENDING)
    individual = services.organisation_register_individual(user=user)
    assert individual.name == "Ana Silva"
    _token, raw = make_token(user=user)
    _token2, raw2 = make_token(user=user, name="second")
    group = WorkingGroup.objects.create(name="Risk WG", slug="risk-wg")
    group.members.add(user)
    user.groups.add(Group.objects.create(name="reviewers"))
    first, second = _signed_in(client, user), _signed_in(Client(), user)
    enable_totp(user)
    RecoveryCodes.activate(user)
    keys = [first.session.session_key, second.session.session_key]
    assert UserSession.objects.filter(user=user).count() == 2
    memberships = {m.pk: m for m in Membership.objects.filter(user=user)}

    closed = privacy.account_close(user=user, password=PASSWORD)

    fresh = User.objects.get(pk=user.pk)
    assert closed == fresh
    assert fresh.name == ""
    assert fresh.email == f"closed-{user.pk}@closed.invalid"
    assert not fresh.has_usable_password()
    assert not fresh.is_active and not fresh.is_staff and not fresh.is_superuser
    assert not fresh.groups.exists() and not fresh.working_groups.exists()
    # Tokens are revoked, not deleted.
    assert ApiToken.objects.filter(user=user).count() == 2
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert services.api_token_authenticate(raw) is None
    assert services.api_token_authenticate(raw2) is None
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not Session.objects.filter(session_key__in=keys).exists()
    # Memberships are deleted; the organisations remain, the other admin keeps Ministry.
    assert not Membership.objects.filter(user=user).exists()
    assert Organisation.objects.filter(pk__in=[organisation.pk, other.pk]).count() == 2
    # The personal organisation stays, for the comments filed as an individual, unnamed.
    individual.refresh_from_db()
    assert individual.name == "Individual (account closed)"
    assert individual.created_by_id == user.pk
    # One audit entry, by the anonymised user, with no personal data in it.
    entry = AuditEntry.objects.get(action="account.close")
    assert entry.actor_id == user.pk
    assert entry.target_type == "accounts.user" and entry.target_id == str(user.pk)
    assert entry.target_label == fresh.email
    ended = {row["membership"]: row for row in entry.data["memberships_ended"]}
    assert set(ended) == set(memberships)
    assert ended[pending.pk] == {
        "membership": pending.pk,
        "organisation": other.slug,
        "role": "member",
        "status": "pending",
    }
    assert entry.data["api_tokens_revoked"] == 2
    assert entry.data["sessions_ended"] == 2
    assert entry.data["authenticators_removed"] == 2
    assert entry.data["email_addresses_removed"] == 1
    assert entry.data["working_groups_left"] == ["risk-wg"]
    assert entry.data["individual_organisations_renamed"] == [individual.slug]
    assert "Ana" not in json.dumps(entry.data) and "ministry.example" not in json.dumps(entry.data)
    # Earlier decisions keep their actor, now the anonymised row.
    assert AuditEntry.objects.filter(actor=user, action="organisation.register").exists()
    # Neither browser is signed in any more.
    for browser in (first, second):
        response = browser.get(reverse("accounts:privacy"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_comments_stay_under_their_organisation_without_the_name():
    # The promise to the person is about the comments app's rows, so it is checked on them.
    from comments.models import Comment
    from tests.comments.factories import open_version, representative_of, submit

    organisation = make_organisation(name="Kyoto AI Lab", verified=True)
    user = representative_of(organisation, _person())
    comment = submit(version=open_version(), author=user, organisation=organisation)

    privacy.account_close(user=user, password=PASSWORD)

    kept = Comment.objects.select_related("author", "organisation").get(pk=comment.pk)
    assert kept.organisation == organisation and kept.organisation.name == "Kyoto AI Lab"
    assert kept.author_id == user.pk
    assert kept.author.name == "" and "Ana" not in str(kept.author)
    assert "ministry.example" not in str(kept.author)


def test_a_closed_account_cannot_sign_in_through_allauth():
    user = _person()
    privacy.account_close(user=user, password=PASSWORD)
    for login in ("ana@ministry.example", f"closed-{user.pk}@closed.invalid"):
        browser = Client()
        response = _sign_in(browser, login)
        assert response.status_code == 200  # the form again, with an error
        assert "_auth_user_id" not in browser.session
    assert not UserSession.objects.filter(user=user).exists()


def test_closing_twice_is_refused():
    user = _person()
    privacy.account_close(user=user, password=PASSWORD)
    with pytest.raises(ApplicationError, match="already closed"):
        privacy.account_close(user=User.objects.get(pk=user.pk), password=PASSWORD)
    assert AuditEntry.objects.filter(action="account.close").count() == 1


def test_the_address_is_free_for_a_new_account_after_closing():
    user = _person()
    privacy.account_close(user=user, password=PASSWORD)
    assert _person().pk != user.pk


def test_a_secretariat_account_can_be_closed(secretariat_user):
    privacy.account_close(user=secretariat_user, password=PASSWORD)
    fresh = User.objects.get(pk=secretariat_user.pk)
    assert not fresh.is_active
    assert not fresh.groups.filter(name=SECRETARIAT_GROUP).exists()
    assert not Authenticator.objects.filter(user=fresh).exists()


# --- Pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["accounts:privacy", "accounts:account_close"])
def test_pages_need_sign_in(client, name):
    for response in (client.get(reverse(name)), client.post(reverse(name))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_privacy_page_shows_what_is_held(client):
    user = _person()
    make_organisation(admin=user, name="Ministry of Digital Affairs")
    make_token(user=user, name="Consolidation script")
    client.force_login(user)
    response = client.get(reverse("accounts:privacy"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Download my data (JSON)" in page and "csrfmiddlewaretoken" in page
    for text in ("Ministry of Digital Affairs", "Consolidation script", "ana@ministry.example"):
        assert text in page
    assert reverse("accounts:account_close") in page
    assert f'href="{reverse("accounts:privacy")}"' in page  # the account sub-navigation


def test_privacy_page_shows_a_preview_of_long_sections(client):
    user = _person()
    for n in range(25):
        token, _raw = make_token(user=user, name=f"token {n:02}")
        if n < 5:  # at most 20 active tokens
            services.api_token_revoke(user=user, token_id=token.pk)
    client.force_login(user)
    page = client.get(reverse("accounts:privacy")).content.decode()
    assert "API tokens (20)" not in page and "API tokens (25)" in page
    assert "And 5 more in the download." in page


def test_download_is_a_json_attachment(client):
    user = _person()
    token, _raw = make_token(user=user)
    client.force_login(user)
    response = client.post(reverse("accounts:privacy"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert (
        response["Content-Disposition"] == f'attachment; filename="haip-personal-data-{today}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert set(data["sections"]) >= SECTIONS
    assert data["sections"]["account"]["email"] == user.email
    assert token.key_hash not in response.content.decode()


def test_download_needs_csrf():
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(_person())
    assert browser.post(reverse("accounts:privacy")).status_code == 403


@pytest.mark.parametrize("count", [1, 6])
def test_privacy_page_and_download_are_constant_in_queries(
    client, django_assert_max_num_queries, count
):
    user = _person()
    for n in range(count):
        organisation = make_organisation(admin=user, name=f"Organisation {n}")
        add_member(organisation)
        make_token(user=user, name=f"token {n}")
        WorkingGroup.objects.create(name=f"WG {n}", slug=f"wg-{n}").members.add(user)
    enable_totp(user)
    login_with_two_factor(client, user)
    # session, user, groups (navigation) + nine accounts sections + six comments sections
    with django_assert_max_num_queries(18):
        assert client.get(reverse("accounts:privacy")).status_code == 200
    with django_assert_max_num_queries(17):
        assert client.post(reverse("accounts:privacy")).status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_close_page_is_constant_in_queries(client, django_assert_max_num_queries, count):
    user = _person()
    for n in range(count):
        organisation = make_organisation(admin=user, name=f"Organisation {n}")
        add_member(organisation)
    client.force_login(user)
    with django_assert_max_num_queries(4):  # session, user, groups (navigation), handover
        response = client.get(reverse("accounts:account_close"))
    assert response.content.decode().count("Organisation ") >= count


def test_close_page_explains_and_closes(client):
    user = _person()
    _token, raw = make_token(user=user)
    _signed_in(client, user)
    page = client.get(reverse("accounts:account_close")).content.decode()
    assert "without your name" in page
    assert 'name="password"' in page and 'name="confirm"' in page

    response = client.post(
        reverse("accounts:account_close"), {"password": PASSWORD, "confirm": "on"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("drafts:home")
    assert "Your account is closed" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(pk=user.pk).is_active
    assert services.api_token_authenticate(raw) is None
    assert not UserSession.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password": "wrong password", "confirm": "on"}, "password", "not your current"),
        ({"password": PASSWORD}, "confirm", "Tick the box"),
        ({"confirm": "on"}, "password", "required"),
    ],
)
def test_close_page_refuses_without_password_or_confirmation(client, data, field, message):
    user = _person()
    client.force_login(user)
    response = client.post(reverse("accounts:account_close"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert User.objects.get(pk=user.pk).is_active


def test_close_page_names_the_organisations_to_hand_over(client):
    user = _person()
    organisation = make_organisation(admin=user, name="Kyoto AI Lab")
    add_member(organisation)
    client.force_login(user)
    page = client.get(reverse("accounts:account_close")).content.decode()
    assert "last administrator" in page and "Kyoto AI Lab" in page
    assert organisation.get_absolute_url() in page
    response = client.post(
        reverse("accounts:account_close"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 200
    assert "Kyoto AI Lab" in " ".join(response.context["form"].non_field_errors())
    assert User.objects.get(pk=user.pk).is_active


def test_close_page_limits_password_guesses(client):
    user = _person()
    client.force_login(user)
    statuses = [
        client.post(
            reverse("accounts:account_close"), {"password": f"guess {n}", "confirm": "on"}
        ).status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    assert User.objects.get(pk=user.pk).is_active
