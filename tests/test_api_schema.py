"""The OpenAPI schema is the API's contract: Schemathesis generates requests from it for every
endpoint (with a valid token, on real drafts and comments) and checks that no answer is a
server error and that every answer matches the schema: its status code is documented, and its
headers and body have the documented shape. (A request that fits the schema's types may still
be refused for what it means, an unknown organisation say: that is an answer, not a fault.)"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from accounts.models import ApiToken
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, submit, verified_organisation

EXAMPLES = 12


# Generating the schema needs no database: it is loaded once, when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def world(db):
    """A draft open for comment, an organisation, a comment on it, and a write token."""
    # The WSGI app closes database connections around each request; the test's data lives
    # in a transaction on that connection, so keep it open (as Django's test client does).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()
    version = open_version(slug="haip-code", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Kumo AI")
    user = representative_of(organisation)
    comment = submit(version=version, author=user, organisation=organisation)
    _token, raw = make_token(
        user=user, scopes=[scope for scope, _ in ApiToken.Scope.choices], days=30
    )
    yield {
        "path": {"slug": "haip-code", "number": 1, "reference": comment.reference},
        "headers": {"Authorization": f"Bearer {raw}"},
    }
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_every_endpoint_keeps_to_its_schema(case, world):
    for name, value in world["path"].items():
        if case.path_parameters is not None and name in case.path_parameters:
            case.path_parameters[name] = value
    cache.clear()  # generated requests should meet the endpoint, not the throttle
    case.call_and_validate(
        headers=world["headers"],
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
            checks.response_headers_conformance,
        ],
    )
