"""How the API reads request bodies: JSON nested without end is a 400 in the one error shape
on every JSON endpoint, never a 500; the parser keeps every body of a sane depth as it was."""

import io
import json

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ParseError

from comments.models import Comment, Reply
from haip_portal.api.parsers import MAX_JSON_DEPTH, JSONParser, json_depth_exceeds
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.conftest import login_with_two_factor

DEEP_BODIES = {
    "arrays": "[" * 100_000,
    "objects": '{"a":' * 100_000,
    "closed arrays": "[" * 5_000 + "]" * 5_000,
    "one level too deep": "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
}


def _json_writes() -> list[tuple[str, str]]:
    """Every (path template, method) of the OpenAPI schema that takes a JSON body: a new JSON
    endpoint is covered by the tests below without being named in them."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    writes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                writes.append((path, method))
    return sorted(writes)


JSON_WRITES = _json_writes()


def test_the_schema_lists_the_json_writes_the_tests_expect():
    # The endpoints below must stay covered; more may join them.
    paths = {path for path, _method in JSON_WRITES}
    assert {
        "/api/v1/drafts/{slug}/versions/{number}/comments/",
        "/api/v1/drafts/{slug}/versions/{number}/comments/bulk/",
        "/api/v1/comments/{reference}/replies/",
        "/api/v1/comments/{reference}/endorsements/",
        "/api/v1/drafts/{slug}/versions/{number}/digests/",
    } <= paths


@pytest.fixture
def world(db, client, secretariat_user):
    """A secretariat session (it may make every JSON write) and a comment to answer."""
    cache.clear()
    version = open_version(sections=3, lines_per_section=3)
    author = representative_of(verified_organisation(name="Kumo AI"))
    comment = submit(version=version, author=author)
    login_with_two_factor(client, secretariat_user)
    client.raise_request_exception = False
    yield {
        "client": client,
        "params": {
            "slug": version.draft.slug,
            "number": str(version.number),
            "reference": comment.reference,
        },
    }
    cache.clear()


def _fill(path: str, params: dict[str, str]) -> str:
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"no test value for a parameter of {path}"
    return path


@pytest.mark.parametrize(("path", "method"), JSON_WRITES)
@pytest.mark.parametrize("shape", list(DEEP_BODIES))
def test_a_body_nested_too_deeply_is_a_400_on_every_json_endpoint(world, path, method, shape):
    comments, replies = Comment.objects.count(), Reply.objects.count()
    response = world["client"].generic(
        method.upper(),
        _fill(path, world["params"]),
        DEEP_BODIES[shape],
        content_type="application/json",
    )
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "parse_error"
    assert f"nested more than {MAX_JSON_DEPTH} levels deep" in body["message"]
    assert body["errors"] == {}
    assert (Comment.objects.count(), Reply.objects.count()) == (comments, replies)


def test_a_comment_at_its_usual_depth_is_still_filed(world):
    path = _fill("/api/v1/drafts/{slug}/versions/{number}/comments/bulk/", world["params"])
    item = {"line_start": 4, "body": "Fine.", "quote": {"exact": "Practice 1.1"}}
    response = world["client"].post(path, json.dumps([item]), content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 1, response.json()


# --- The parser itself --------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=40,
)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(child) for child in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(child) for child in value.values()), default=0)
    return 0


def _nest(value, levels: int):
    for index in range(levels):
        value = [value] if index % 2 else {"k": value}
    return value


def _parse(text: str):
    return JSONParser().parse(io.BytesIO(text.encode()), "application/json", {})


@given(value=json_values, extra=st.integers(min_value=0, max_value=2 * MAX_JSON_DEPTH))
@settings(max_examples=200, deadline=None)
def test_the_parser_keeps_every_body_within_the_depth_and_refuses_every_deeper_one(value, extra):
    nested = _nest(value, extra)
    text = json.dumps(nested)
    assert json_depth_exceeds(nested, MAX_JSON_DEPTH) == (_depth(nested) > MAX_JSON_DEPTH)
    if _depth(nested) <= MAX_JSON_DEPTH:
        assert _parse(text) == nested
    else:
        with pytest.raises(ParseError, match="nested more than"):
            _parse(text)


@pytest.mark.parametrize("text", ["[" * 100_000, "[" * 50_000 + "]" * 50_000, '{"a":' * 100_000])
def test_the_parser_turns_a_body_deeper_than_the_stack_into_a_parse_error(text):
    with pytest.raises(ParseError, match="nested more than"):
        _parse(text)


def test_the_parser_still_refuses_what_drf_refuses():
    with pytest.raises(ParseError, match="JSON parse error"):
        _parse('{"a": NaN}')
    with pytest.raises(ParseError, match="JSON parse error"):
        _parse("[1,")
