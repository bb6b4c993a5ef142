"""Sign-up, verification, sign-in, reset, lockout and two-factor flows, through the real
allauth views and the test mail outbox."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from accounts.permissions import SECRETARIAT_GROUP
from tests.conftest import enable_totp

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _link_in_last_mail(path_fragment: str) -> str:
    body = str(mail.outbox[-1].body)
    match = re.search(rf"https?://[^\s]+{path_fragment}[^\s]+", body)
    assert match, body
    return match.group(0).split("testserver", 1)[1]


def _sign_up(client, email: str = "ana@ministry.example", password: str = PASSWORD):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def _sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_up_verify_by_link_then_sign_in(client):
    response = _sign_up(client, email="Ana@Ministry.example")
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "ana@ministry.example"
    assert not EmailAddress.objects.get(user=user).verified
    assert mail.outbox[-1].to == ["ana@ministry.example"]

    # Mandatory verification: signing in before confirming does not let the user in.
    client.logout()
    _sign_in(client, "ana@ministry.example")
    assert "_auth_user_id" not in client.session

    link = _link_in_last_mail("/accounts/confirm-email/")
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = _sign_in(client, "ana@ministry.example")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_confirmation_link_verifies_nothing(client):
    _sign_up(client)
    link = _link_in_last_mail("/accounts/confirm-email/")
    tampered = link.rstrip("/")[:-3] + "xyz/"
    page = client.get(tampered)
    assert "expired or is invalid" in page.content.decode()
    client.post(tampered)
    assert not EmailAddress.objects.get().verified


def test_an_expired_confirmation_link_verifies_nothing(client, monkeypatch):
    _sign_up(client)
    link = _link_in_last_mail("/accounts/confirm-email/")
    four_days_later = time.time() + 4 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: four_days_later)
    assert "expired or is invalid" in client.get(link).content.decode()
    client.post(link)
    assert not EmailAddress.objects.get().verified


def test_a_duplicate_email_creates_no_second_account(client):
    User.objects.create_user(email="ana@ministry.example", password=PASSWORD)
    _sign_up(client, email="ANA@ministry.example")
    assert User.objects.count() == 1
    # Enumeration is prevented: the page looks the same, the owner is told by mail.
    assert "already" in mail.outbox[-1].body.lower()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pw", "at least 12 characters"),
        ("password1234", "too common"),
        ("349817263548", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(client, password, message):
    response = _sign_up(client, password=password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_password_reset_by_mail(client):
    user = User.objects.create_user(email="ana@ministry.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": "ana@ministry.example"})
    link = _link_in_last_mail("/accounts/password/reset/key/")
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "another long passphrase"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_repeated_failed_sign_ins_from_one_address_are_refused(client):
    user = User.objects.create_user(email="ana@ministry.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for _ in range(5):
        _sign_in(client, user.email, password="wrong password!")
    response = _sign_in(client, user.email)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_secretariat_must_set_up_two_factor_before_any_secretariat_page(client):
    user = User.objects.create_user(email="sec@g7.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    _sign_in(client, user.email)
    for page in (reverse("drafts:desk"), reverse("drafts:draft_create"), "/admin/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")
    # Public pages are unaffected.
    assert client.get("/").status_code == 200

    client.logout()
    secret = enable_totp(user)
    _sign_in(client, user.email)
    assert "_auth_user_id" not in client.session  # the code is asked for first
    client.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("drafts:desk")).status_code == 200


def test_active_sessions_are_listed(client):
    user = User.objects.create_user(email="ana@ministry.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    _sign_in(client, user.email)
    page = client.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert "HAIP Consultation Portal" in page.content.decode()  # the site's own layout
