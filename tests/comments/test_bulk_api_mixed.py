"""The bulk endpoint with good and bad items mixed in one request: every bad item is answered
at its index with its reason and nothing of it is stored, the good ones are stored with
consecutive numbers in the order sent, and a retry (same Idempotency-Key, or a new one) files
nothing twice."""

import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken, Organisation
from comments.models import Comment
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, verified_organisation

pytestmark = pytest.mark.django_db
WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
RUNS = itertools.count()  # a fresh marker, external ids and keys for every example


@pytest.fixture
def version():
    return open_version(sections=3, lines_per_section=3)


@pytest.fixture
def organisation():
    return verified_organisation(name="Kumo AI")


@pytest.fixture
def api(client, organisation):
    user = representative_of(organisation)
    _token, raw = make_token(user=user, scopes=WRITE)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


Item = dict[str, Any]
# What each kind of item is: how to make it (from its marker, the run, the organisations'
# slugs) and the field its rejection names (None: filed).
KINDS: dict[str, tuple[Callable[[str, int, dict[str, str]], Item], str | None]] = {
    "good": (lambda body, run, orgs: {"line_start": 4, "body": body}, None),
    "good-for-organisation": (
        lambda body, run, orgs: {"line_start": 5, "body": body, "organisation": orgs["own"]},
        None,
    ),
    "good-quote": (
        lambda body, run, orgs: {
            "line_start": 4,
            "body": body,
            "quote": {"exact": "organisations document"},
        },
        None,
    ),
    "unreadable": (lambda body, run, orgs: {"line_start": "four", "body": body}, "line_start"),
    "outside": (lambda body, run, orgs: {"line_start": 99, "body": body}, "line_start"),
    "wrong-quote": (
        lambda body, run, orgs: {"line_start": 4, "body": body, "quote": {"exact": "not there"}},
        "quote_exact",
    ),
    "unknown-kind": (
        lambda body, run, orgs: {"line_start": 4, "body": body, "kind": "rant"},
        "kind",
    ),
    "control-character": (lambda body, run, orgs: {"line_start": 4, "body": body + "\x01"}, "body"),
    "no-such-organisation": (
        lambda body, run, orgs: {"line_start": 4, "body": body, "organisation": "nobody"},
        "organisation",
    ),
    "not-represented": (
        lambda body, run, orgs: {"line_start": 4, "body": body, "organisation": orgs["other"]},
        "organisation",
    ),
}


def _post(api, url: str, items: list[Item], key: str):
    return api.post(
        url, json.dumps(items), content_type="application/json", headers={"Idempotency-Key": key}
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kinds=st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=12),
    twice=st.booleans(),
)
def test_each_bad_item_is_answered_with_its_reason_and_the_good_ones_filed_once(
    api, version, organisation, kinds, twice
):
    cache.clear()  # the throttles' counts: each example is a fresh client
    other = Organisation.objects.filter(name="Other").first() or verified_organisation(name="Other")
    orgs = {"own": organisation.slug, "other": other.slug}
    run = next(RUNS)
    before = set(Comment.objects.values_list("pk", flat=True))
    items, expected = [], []
    for n, kind in enumerate(kinds):
        make, field = KINDS[kind]
        item = make(f"Item {run}-{n}: name who runs the red team.", run, orgs)
        item["external_id"] = f"{run}-{n}"
        items.append(item)
        expected.append(field)
    if twice:  # the first item's external id sent again: the second is refused for it
        again = items[0]["body"].replace(f"Item {run}-0:", f"Item {run}-again:")
        items.append({**items[0], "body": again})
        expected.append("external_id" if expected[0] is None else expected[0])
    url = reverse("comments_api:bulk_comments", args=[version.draft.slug, version.number])
    last = max((c.number for c in Comment.objects.filter(version=version)), default=0)

    response = _post(api, url, items, f"key-{run}")
    assert response.status_code == 200, response.content
    body = response.json()
    results = body["results"]
    assert [result["index"] for result in results] == list(range(len(items)))
    for result, field, item in zip(results, expected, items, strict=True):
        if field is None:
            assert result["status"] == "created" and result["errors"] == {}, result
        else:
            assert result["status"] == "rejected" and field in result["errors"], (item, result)
            assert result["reference"] == ""
    created = [result["reference"] for result in results if result["status"] == "created"]
    assert body["created"] == len(created)
    assert body["rejected"] == len(items) - len(created)

    stored = Comment.objects.exclude(pk__in=before).order_by("number")
    assert [comment.reference for comment in stored] == created  # in the order sent
    assert [comment.number for comment in stored] == list(range(last + 1, last + 1 + len(created)))
    filed_bodies = {item["body"] for item, field in zip(items, expected, strict=True) if not field}
    assert {comment.body for comment in stored} == filed_bodies  # nothing of a rejected item
    for comment, item in zip(
        stored, [i for i, f in zip(items, expected, strict=True) if f is None], strict=True
    ):
        assert (comment.body, comment.external_id, comment.line_start) == (
            item["body"],
            item["external_id"],
            item["line_start"],
        )

    replay = _post(api, url, items, f"key-{run}")
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == body
    again = _post(api, url, items, f"key-{run}-new").json()["results"]
    assert [r["status"] for r in again] == [
        "duplicate" if r["status"] == "created" else "rejected" for r in results[: len(kinds)]
    ] + (["duplicate" if expected[0] is None else "rejected"] if twice else [])
    assert [r["reference"] for r in again if r["status"] == "duplicate"] == created + (
        [created[0]] if twice and expected[0] is None else []
    )
    assert Comment.objects.exclude(pk__in=before).count() == len(created)
