"""The comment limits: per token, and per organisation whichever of its members' tokens file
for it, so that one organisation's burst is held to its own limit and nobody else's filing is
refused because of it. Uploads count every row against both."""

import json
from collections import Counter

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken
from comments.models import BulkSubmission, Comment
from haip_portal.api.throttles import ApiCommentThrottle
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, verified_organisation

WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
TOKEN_LIMIT = 12
ORGANISATION_LIMIT = 16
RATES = {
    "api_comments": f"{TOKEN_LIMIT}/hour",
    "api_organisation_comments": f"{ORGANISATION_LIMIT}/hour",
}


@pytest.fixture(autouse=True)
def _limits(monkeypatch):
    monkeypatch.setattr(ApiCommentThrottle, "THROTTLE_RATES", RATES)
    cache.clear()
    yield
    cache.clear()


def _setting():
    """Two organisations: Kumo with two representatives (a token each), Mori with one; and
    Kumo's first representative also files for Mori."""
    version = open_version(sections=3, lines_per_section=3)
    kumo, mori = verified_organisation(name="Kumo AI"), verified_organisation(name="Mori Lab")
    first, second = representative_of(kumo), representative_of(kumo)
    representative_of(mori, first)
    third = representative_of(mori)
    tokens = [f"Bearer {make_token(user=user, scopes=WRITE)[1]}" for user in (first, second, third)]
    return version, {"kumo": kumo.slug, "mori": mori.slug, "self": ""}, tokens


def _file(client, version, token: str, items: list[dict]):
    url = reverse("comments_api:bulk_comments", args=[version.draft.slug, version.number])
    return client.post(
        url, json.dumps(items), content_type="application/json", headers={"Authorization": token}
    )


def _items(organisation: str, count: int, start: int) -> list[dict]:
    return [
        {"line_start": 4, "body": f"Point {start + n}.", "organisation": organisation}
        for n in range(count)
    ]


@pytest.mark.django_db
def test_an_organisations_members_share_its_limit_and_others_are_not_held_by_it(client):
    version, orgs, (first, second, third) = _setting()
    assert _file(client, version, first, _items(orgs["kumo"], 10, 0)).status_code == 200
    # The second representative's token has room, Kumo has 6 left: 8 is refused whole.
    refused = _file(client, version, second, _items(orgs["kumo"], 8, 100))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert _file(client, version, second, _items(orgs["kumo"], 6, 200)).status_code == 200
    # Kumo is at its limit; Mori, and a person filing as an individual, are not.
    assert _file(client, version, second, _items(orgs["kumo"], 1, 300)).status_code == 429
    assert _file(client, version, third, _items(orgs["mori"], 12, 400)).status_code == 200
    assert _file(client, version, second, _items(orgs["self"], 1, 500)).status_code == 200
    by_organisation = Counter(Comment.objects.values_list("organisation__slug", flat=True))
    assert by_organisation[orgs["kumo"]] == ORGANISATION_LIMIT
    assert by_organisation[orgs["mori"]] == 12


@pytest.fixture
def limits_setting(db):
    return _setting()


REQUESTS = st.lists(
    st.tuples(
        st.integers(0, 2),  # which token
        st.dictionaries(st.sampled_from(["kumo", "mori", "self"]), st.integers(1, 7), min_size=1),
    ),
    min_size=1,
    max_size=7,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(requests=REQUESTS)
def test_a_request_is_filed_exactly_when_every_limit_it_counts_against_has_room(
    client, limits_setting, requests
):
    """Whatever the tokens, organisations and sizes: a request is filed whole when its token
    and each organisation it files for have room for it, refused whole (429, nothing counted)
    otherwise."""
    cache.clear()  # a fresh window for each example
    before = Comment.objects.count()
    version, orgs, tokens = limits_setting
    members = [{"kumo", "mori", "self"}, {"kumo", "self"}, {"mori", "self"}]
    token_used = Counter[int]()
    org_used = Counter[str]()
    for index, (token, shares) in enumerate(requests):
        shares = {name: count for name, count in shares.items() if name in members[token]}
        if not shares:
            continue
        items = [
            item
            for name, count in sorted(shares.items())
            for item in _items(orgs[name], count, 100 * index)
        ]
        # An individual counts as their own organisation: one per token's user here.
        counted = {(name if name != "self" else f"self:{token}"): n for name, n in shares.items()}
        room = token_used[token] + len(items) <= TOKEN_LIMIT and all(
            org_used[name] + n <= ORGANISATION_LIMIT for name, n in counted.items()
        )
        response = _file(client, version, tokens[token], items)
        assert response.status_code == (200 if room else 429), (index, shares)
        if room:
            assert response.json()["created"] == len(items)
            token_used[token] += len(items)
            org_used.update(counted)
    assert Comment.objects.count() - before == sum(token_used.values())


@pytest.mark.django_db
def test_every_row_of_an_upload_counts_against_its_organisations_limit(client):
    version, orgs, (first, second, _third) = _setting()
    url = reverse("comments_api:bulk_submissions", args=[version.draft.slug, version.number])

    def upload(token: str, rows: list[dict], name: str):
        content = "".join(json.dumps(row) + "\n" for row in rows).encode()
        return client.post(
            url, {"file": SimpleUploadedFile(name, content)}, headers={"Authorization": token}
        )

    assert upload(first, _items(orgs["kumo"], 10, 0), "a.jsonl").status_code == 202
    refused = upload(second, _items(orgs["kumo"], 7, 0) + _items(orgs["self"], 1, 9), "b.jsonl")
    assert refused.status_code == 429
    # The same organisation written another way is the same organisation.
    shouted = [{**row, "organisation": f"  {orgs['kumo'].upper()} "} for row in _items("", 7, 0)]
    assert upload(second, shouted, "c.jsonl").status_code == 429
    assert upload(second, _items(orgs["kumo"], 6, 20), "d.jsonl").status_code == 202
    assert BulkSubmission.objects.count() == 2
