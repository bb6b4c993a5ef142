"""Failed sign-ins are limited per source, so a stranger cannot lock the owner out, through
allauth's real sign-in form (the client address is set as the server would see it)."""

import re
import time
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"
WRONG = "not the passphrase!"
REFUSED = "Too many failed login attempts"
OWNER_ADDRESS = "198.51.100.20"
STRANGER_ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, which a test moves forward (the cache keeps real time)."""
    now = [time.time()]
    fake = SimpleNamespace(time=lambda: now[0], monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr(ratelimit, "time", fake)

    def advance(seconds: float) -> None:
        now[0] += seconds

    return advance


def person(email: str) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(client, email: str, password: str, address: str, **headers):
    """POST the sign-in form from ``address``; returns whether the session is now signed in
    as ``email`` and whether the form answered that there were too many failures."""
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )
    assert response.status_code in (200, 302), response.status_code
    signed_in = client.session.get("_auth_user_id")
    user = User.objects.filter(email=email).first()
    refused = response.status_code == 200 and REFUSED in response.content.decode()
    return bool(user and signed_in == str(user.pk)), refused


def test_a_strangers_failures_do_not_lock_the_owner_out_from_elsewhere(client):
    owner = person("ana@ministry.example")
    for _ in range(5):
        assert sign_in(client, owner.email, WRONG, STRANGER_ADDRESS) == (False, False)
    # The stranger's address is refused, even with the right password...
    assert sign_in(client, owner.email, PASSWORD, STRANGER_ADDRESS) == (False, True)
    # ...and the owner, from their own address, signs in.
    assert sign_in(client, owner.email, PASSWORD, OWNER_ADDRESS) == (True, False)
    # The owner's own few mistakes are still counted against the owner's address alone.
    for _ in range(4):
        assert sign_in(client, owner.email, WRONG, OWNER_ADDRESS) == (False, False)
    assert sign_in(client, owner.email, PASSWORD, OWNER_ADDRESS) == (True, False)


def test_a_successful_sign_in_does_not_count_as_a_failure(client):
    owner = person("ana@ministry.example")
    for _ in range(4):
        sign_in(client, owner.email, WRONG, OWNER_ADDRESS)
    for _ in range(3):
        assert sign_in(client, owner.email, PASSWORD, OWNER_ADDRESS) == (True, False)
    # Still one failure left before the limit (4 + 1 = 5), then refused.
    assert sign_in(client, owner.email, WRONG, OWNER_ADDRESS) == (False, False)
    assert sign_in(client, owner.email, PASSWORD, OWNER_ADDRESS) == (False, True)


def test_guessing_from_one_address_across_many_accounts_is_limited(client, clock):
    victims = [person(f"person{n}@example.org") for n in range(70)]
    # Ten a minute: the eleventh attempt in the minute is refused, whatever the account.
    for victim in victims[:10]:
        assert sign_in(client, victim.email, WRONG, STRANGER_ADDRESS) == (False, False)
    assert sign_in(client, victims[10].email, PASSWORD, STRANGER_ADDRESS) == (False, True)
    # Another address is not affected.
    assert sign_in(client, victims[10].email, PASSWORD, OWNER_ADDRESS) == (True, False)

    # Sixty an hour: spreading the attempts over the minutes does not get past it.
    guessed = 10
    for minute in range(1, 6):
        clock(61)
        for victim in victims[10 * minute : 10 * minute + 10]:
            assert sign_in(client, victim.email, WRONG, STRANGER_ADDRESS) == (False, False)
            guessed += 1
    assert guessed == 60
    clock(61)
    assert sign_in(client, victims[61].email, WRONG, STRANGER_ADDRESS) == (False, True)
    assert sign_in(client, victims[62].email, PASSWORD, STRANGER_ADDRESS) == (False, True)
    # An hour later the address may try again.
    clock(3600)
    assert sign_in(client, victims[62].email, PASSWORD, STRANGER_ADDRESS) == (True, False)


def test_distributed_guessing_on_one_account_is_bounded(client):
    owner = person("ana@ministry.example")
    # Fifty addresses fail once each: no per-address limit is reached, and the owner may
    # still sign in up to that bound...
    for n in range(49):
        assert sign_in(client, owner.email, WRONG, f"192.0.2.{n + 1}") == (False, False)
    assert sign_in(client, owner.email, PASSWORD, OWNER_ADDRESS) == (True, False)
    assert sign_in(client, owner.email, WRONG, "192.0.2.50") == (False, False)
    # ...beyond it every attempt on this account is refused, wherever it comes from.
    assert sign_in(client, owner.email, PASSWORD, "192.0.2.51") == (False, True)
    assert sign_in(client, owner.email, PASSWORD, OWNER_ADDRESS) == (False, True)
    # Other accounts are not affected.
    other = person("ben@ministry.example")
    assert sign_in(client, other.email, PASSWORD, "192.0.2.51") == (True, False)


def test_a_password_reset_lifts_the_accounts_bound(client):
    owner = person("ana@ministry.example")
    for n in range(50):
        sign_in(client, owner.email, WRONG, f"192.0.2.{n + 1}")
    assert sign_in(client, owner.email, PASSWORD, OWNER_ADDRESS) == (False, True)

    # The owner proves they hold the address by resetting the password through the e-mail.
    client.post(
        reverse("account_reset_password"), {"email": owner.email}, REMOTE_ADDR=OWNER_ADDRESS
    )
    link = re.search(
        r"http://testserver(/accounts/password/reset/key/\S+)", str(mail.outbox[-1].body)
    )
    assert link
    form_page = client.get(link.group(1), follow=True, REMOTE_ADDR=OWNER_ADDRESS)
    new_password = "another long passphrase"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": new_password, "password2": new_password},
        REMOTE_ADDR=OWNER_ADDRESS,
    )
    assert response.status_code == 302
    assert sign_in(client, owner.email, new_password, OWNER_ADDRESS) == (True, False)


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(client):
    """By default the portal is reached directly: a client cannot pick a new address for
    each attempt by sending X-Forwarded-For."""
    owner = person("ana@ministry.example")
    for n in range(5):
        forged = {"X-Forwarded-For": f"10.0.0.{n + 1}"}
        assert sign_in(client, owner.email, WRONG, STRANGER_ADDRESS, **forged) == (False, False)
    forged = {"X-Forwarded-For": "10.0.0.99"}
    assert sign_in(client, owner.email, PASSWORD, STRANGER_ADDRESS, **forged) == (False, True)


def test_behind_one_trusted_proxy_the_address_it_forwards_counts(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "172.18.0.5"
    owner = person("ana@ministry.example")
    # The proxy appends the address it sees; anything the client sent before it is ignored.
    for n in range(5):
        stranger = {"X-Forwarded-For": f"10.0.0.{n + 1}, {STRANGER_ADDRESS}"}
        assert sign_in(client, owner.email, WRONG, proxy, **stranger) == (False, False)
    stranger = {"X-Forwarded-For": f"10.0.0.99, {STRANGER_ADDRESS}"}
    assert sign_in(client, owner.email, PASSWORD, proxy, **stranger) == (False, True)
    # The owner comes through the same proxy, from another address: not locked out.
    assert sign_in(client, owner.email, PASSWORD, proxy, **{"X-Forwarded-For": OWNER_ADDRESS}) == (
        True,
        False,
    )
