"""A dependency that does not answer gives 503 with Retry-After, never 500, on pages and in the
API's error shape; a bug stays a 500 (haip_portal/availability.py).

The views below meet real failures: Django's PostgreSQL backend, redis-py and Celery each
asked to reach a port nothing listens on. tests/test_faults.py does the same with the whole
portal in gunicorn pointed at a closed database port, and with a real statement timeout.
"""

import pytest
from celery import Celery
from django.db.utils import ConnectionHandler
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from haip_portal.availability import RETRY_AFTER_SECONDS
from tests.processes import free_port


def reach_database() -> None:
    """Connect, through Django's PostgreSQL backend, to a port nothing listens on."""
    databases = ConnectionHandler(
        {
            "default": {  # this handler's own default: the portal's is left alone
                "ENGINE": "django.db.backends.postgresql",
                "HOST": "127.0.0.1",
                "PORT": str(free_port()),
                "NAME": "haip",
                "USER": "haip",
                "OPTIONS": {"connect_timeout": 2},
            }
        }
    )
    try:
        databases["default"].ensure_connection()
    finally:
        databases.close_all()


NO_RETRY = Retry(NoBackoff(), 0)  # as the cache's and the broker's connections are made


def reach_redis() -> None:
    Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1, retry=NO_RETRY).ping()


def reach_broker() -> None:
    """Queue a task outside an on-commit callback, with the broker down."""
    app = Celery(broker=f"redis://127.0.0.1:{free_port()}/0")
    app.conf.broker_connection_timeout = 1
    app.conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0}
    app.send_task("comments.tasks.send_comment_receipt", args=[1])


def bug() -> None:
    raise ValueError("a bug, not an outage")


FAILURES = {"database": reach_database, "redis": reach_redis, "broker": reach_broker, "bug": bug}


def page(request: HttpRequest, failure: str) -> HttpResponse:
    FAILURES[failure]()
    return HttpResponse("unreachable")


class Endpoint(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request: Request, failure: str) -> Response:
        FAILURES[failure]()
        return Response({})


urlpatterns = [
    path("pages/<str:failure>/", page),
    path("api/v1/drf/<str:failure>/", Endpoint.as_view()),
    path("api/v1/plain/<str:failure>/", page),  # a plain view under /api/: still JSON
]
handler500 = "haip_portal.errors.server_error"

pytestmark = [pytest.mark.urls(__name__)]
DEPENDENCIES = ["database", "redis", "broker"]


@pytest.fixture
def visitor(django_db_blocker):
    """The test client, reporting errors as responses. Database access is opened for the
    connection to the closed port (pytest-django blocks it by default); nothing here uses the
    test database."""
    with django_db_blocker.unblock():
        yield Client(raise_request_exception=False)


@pytest.mark.parametrize("failure", DEPENDENCIES)
def test_a_page_whose_dependency_is_down_answers_a_503_page(visitor, failure, caplog):
    response = visitor.get(f"/pages/{failure}/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert "Briefly unavailable" in response.content.decode()
    named = "database" if failure == "database" else "redis"
    assert f"answered 503: the {named} is not answering" in caplog.text


@pytest.mark.parametrize("kind", ["drf", "plain"])
@pytest.mark.parametrize("failure", DEPENDENCIES)
def test_an_api_call_whose_dependency_is_down_answers_503_in_the_error_shape(
    visitor, kind, failure
):
    response = visitor.get(f"/api/v1/{kind}/{failure}/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == "service_unavailable" and body["errors"] == {}


@pytest.mark.parametrize("address", ["/pages/bug/", "/api/v1/drf/bug/", "/api/v1/plain/bug/"])
def test_a_bug_stays_a_500(visitor, address):
    response = visitor.get(address)
    assert response.status_code == 500
    assert "Retry-After" not in response
