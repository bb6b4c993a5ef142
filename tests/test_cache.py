"""The shared cache keeps answering while Redis does not (haip_portal/cache.py), and what is
counted in it (the API's request limits, sign-in limits) keeps counting.

"Redis down" here is real: a port nothing listens on, or a private ``redis-server`` the test
stops and starts again; never the shared one.
"""

import json
import logging
import time

import pytest
from allauth.account.models import EmailAddress
from django.core.cache.backends.locmem import LocMemCache
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haip_portal import cache as cache_module
from haip_portal.api.throttles import ApiRequestThrottle
from haip_portal.cache import FallbackRedisCache
from tests.accounts.factories import make_user
from tests.comments.factories import open_version
from tests.processes import PrivateRedis, free_port


def closed_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def fallback_cache(url: str, prefix: str = "t") -> FallbackRedisCache:
    return FallbackRedisCache(
        url,
        {
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    )


def caches_at(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "haip_portal.cache.FallbackRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


# Operations on a cache, as (name, key, value): what the portal's callers use. Numbers live
# under a, b and c (counted, raised, lowered); text under s.
NUMBERS = st.sampled_from(["a", "b", "c"])
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("set"), NUMBERS, st.integers(-5, 5)),
        st.tuples(st.just("set"), st.just("s"), st.text(max_size=5)),
        st.tuples(st.just("add"), NUMBERS, st.integers(-5, 5)),
        st.tuples(st.just("get"), NUMBERS | st.just("s"), st.none()),
        st.tuples(st.just("incr"), NUMBERS, st.integers(-3, 3)),
        st.tuples(st.just("decr"), NUMBERS, st.integers(-3, 3)),
        st.tuples(st.just("delete"), NUMBERS | st.just("s"), st.none()),
        st.tuples(st.just("has_key"), NUMBERS | st.just("s"), st.none()),
        st.tuples(st.just("count"), NUMBERS, st.integers(0, 3)),
        st.tuples(st.just("get_many"), NUMBERS, st.none()),
        st.tuples(st.just("set_many"), NUMBERS, st.integers(-5, 5)),
        st.tuples(st.just("touch"), NUMBERS | st.just("s"), st.none()),
    ),
    max_size=25,
)


def apply(cache, operation):
    """Run one operation; its result, or the type of error it raised (as a cache would)."""
    name, key, value = operation
    try:
        if name in ("set", "add"):
            return getattr(cache, name)(key, value, timeout=60)
        if name in ("incr", "decr"):
            return getattr(cache, name)(key, value)
        if name == "count":
            if isinstance(cache, FallbackRedisCache):
                return cache.count(key, value, 60)
            cache.add(key, 0, timeout=60)  # what count() promises, on a plain cache
            return cache.incr(key, value)
        if name == "get_many":
            return cache.get_many(["a", "b", "c", "s"])
        if name == "set_many":
            return cache.set_many({key: value, "c": value}, timeout=60)
        if name == "touch":
            return cache.touch(key, timeout=60)
        return getattr(cache, name)(key)
    except (ValueError, TypeError) as error:
        return type(error).__name__


def reference(name: str) -> LocMemCache:
    cache = LocMemCache(name, {})
    cache.clear()
    return cache


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_with_redis_unreachable_the_cache_behaves_as_a_local_cache(operations):
    """Any sequence of calls answers what a local cache answers, and none raises a Redis
    error: a call left without its fallback would."""
    cache = fallback_cache(closed_url(), prefix="unreachable")
    cache.clear()
    expected = reference("expected-unreachable")
    for operation in operations:
        assert apply(cache, operation) == apply(expected, operation), operation


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    redis = PrivateRedis(tmp_path_factory.mktemp("redis")).start()
    yield redis
    redis.stop()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_with_redis_answering_the_cache_behaves_as_a_local_cache(redis_server, operations):
    """The same sequences against a real Redis give the same answers (so the fallback takes
    over with the same meaning)."""
    cache = fallback_cache(redis_server.url(), prefix="answering")
    cache.clear()
    expected = reference("expected-answering")
    for operation in operations:
        assert apply(cache, operation) == apply(expected, operation), operation


def test_an_outage_is_logged_when_it_starts_and_ends_and_redis_is_used_again(
    redis_server, monkeypatch, caplog
):
    monkeypatch.setattr(cache_module, "RETRY_SECONDS", 0.2)
    cache = fallback_cache(redis_server.url(), prefix="outage")
    caplog.set_level(logging.WARNING, logger="haip_portal.cache")
    assert cache.count("hits", 1, 60) == 1
    redis_server.stop()
    try:
        assert cache.count("hits", 1, 60) == 1  # counted here now: Redis's 1 is out of reach
        assert cache.count("hits", 1, 60) == 2
        cache.set("marker", "kept locally", 60)
        assert cache.get("marker") == "kept locally"
    finally:
        redis_server.start()
    assert sum("does not answer" in record.message for record in caplog.records) == 1
    time.sleep(0.3)
    assert cache.get("marker") is None  # asked Redis again (a fresh one, which has nothing)
    assert cache.ping()
    assert sum("answers again" in record.message for record in caplog.records) == 1


def test_counts_are_shared_between_processes_caches_while_redis_answers(redis_server):
    first = fallback_cache(redis_server.url(), prefix="shared")
    second = fallback_cache(redis_server.url(), prefix="shared")
    first.clear()
    assert [first.count("n", 2, 60), second.count("n", 3, 60), first.count("n", 1, 60)] == [
        2,
        5,
        6,
    ]


# --- What is counted in the cache keeps counting with Redis unreachable ------------------------


@pytest.mark.django_db
def test_with_redis_unreachable_api_reads_answer_and_the_request_limit_still_holds(
    client, monkeypatch
):
    version = open_version()
    url = reverse("comments_api:version_comments", args=[version.draft.slug, version.number])
    monkeypatch.setattr(ApiRequestThrottle, "THROTTLE_RATES", {"api_requests": "2/minute"})
    with override_settings(CACHES=caches_at(closed_url())):
        statuses = [client.get(url).status_code for _ in range(3)]
        refused = client.get(url)
    assert statuses == [200, 200, 429]
    assert int(refused["Retry-After"]) > 0
    assert json.loads(refused.content)["code"] == "throttled"


def verified_person(email: str):
    user = make_user(email)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.django_db
def test_with_redis_unreachable_people_sign_in_and_failed_attempts_are_still_limited(client):
    login = reverse("account_login")
    with override_settings(CACHES=caches_at(closed_url())):
        person = verified_person("someone@example.org")
        signed_in = client.post(login, {"login": person.email, "password": "x" * 16})
        assert signed_in.status_code == 302
        assert client.session["_auth_user_id"] == str(person.pk)
        client.logout()
        target = verified_person("target@example.org")
        for _ in range(5):
            client.post(login, {"login": target.email, "password": "wrong password!"})
        locked = client.post(login, {"login": target.email, "password": "x" * 16})
    assert "Too many failed login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
