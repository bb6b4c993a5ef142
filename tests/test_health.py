"""/healthz and /readyz through the test client (haip_portal/health.py). The same endpoints
against real processes with PostgreSQL or Redis down are in tests/test_faults.py."""

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from haip_portal import health
from tests.processes import free_port

pytestmark = pytest.mark.django_db


def redis_cache_at(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "haip_portal.cache.FallbackRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture(autouse=True)
def _ask_about_migrations_again():
    health.forget_migration_check()
    yield
    health.forget_migration_check()


def test_healthz_answers_without_touching_the_database_or_the_cache(
    client, django_assert_num_queries, caplog
):
    # A cache nobody listens to: a call to it would be logged as the start of an outage.
    unreachable = redis_cache_at(f"redis://127.0.0.1:{free_port()}/0")
    with override_settings(CACHES=unreachable), django_assert_num_queries(0):
        response = client.get("/healthz")
    assert "does not answer" not in caplog.text
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_reports_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    # With REDIS_URL, Redis is pinged; without, the portal needs no Redis and says ok.
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "migrations": "ok"},
    }
    assert "Retry-After" not in response


def test_readyz_names_redis_when_it_does_not_answer(client, caplog):
    with override_settings(CACHES=redis_cache_at(f"redis://127.0.0.1:{free_port()}/0")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json() == {
        "status": "unavailable",
        "failed": ["redis"],
        "checks": {"database": "ok", "redis": "failed", "migrations": "ok"},
    }
    assert "Connection refused" not in response.content.decode()  # no error text outside
    assert "readiness check redis failed" in caplog.text


def test_readyz_names_migrations_that_are_not_applied(client):
    applied = MigrationRecorder.Migration.objects.filter(app="comments").order_by("-id").first()
    assert applied is not None
    applied.delete()  # as if the code were newer than the database (rolled back after)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]


def test_readyz_checks_migrations_until_they_pass_then_only_pings(
    client, django_assert_max_num_queries
):
    assert client.get("/readyz").status_code == 200
    with django_assert_max_num_queries(1):  # SELECT 1; the migration plan is remembered
        assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/healthz/", "/readyz/"])
def test_probes_need_no_allowed_host_nor_https(client, path):
    """A probe from inside the container uses 127.0.0.1 over plain HTTP."""
    with override_settings(ALLOWED_HOSTS=["portal.example.org"], SECURE_SSL_REDIRECT=True):
        response = client.get(path, HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200


def test_other_methods_and_addresses_go_to_the_portal(client):
    assert client.post("/healthz").status_code == 404  # no such page: the portal answered
    assert client.get("/healthzz").status_code == 404
