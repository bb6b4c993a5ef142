"""The comments API through the test client, with personal tokens, as API clients use it."""

import json

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from accounts.models import ApiToken
from comments import selectors, services
from comments.anchoring import Quote
from comments.api.rows import COMMENT_ROW_FIELDS
from comments.api.serializers import CommentOutputSerializer
from comments.models import Comment
from drafts.models import Line
from haip_portal.api import throttles
from haip_portal.api.models import IdempotencyRecord
from haip_portal.api.throttles import ApiCommentThrottle, ApiRequestThrottle
from tests.accounts.factories import make_token, make_user
from tests.comments.factories import (
    comment_inserts,
    open_version,
    representative_of,
    submit,
    verified_organisation,
)

pytestmark = pytest.mark.django_db
WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def version():
    return open_version(sections=3, lines_per_section=3)


@pytest.fixture
def organisation():
    return verified_organisation(name="Kumo AI")


@pytest.fixture
def api(client, organisation):
    """A client with a write token of a representative of ``organisation``."""
    user = representative_of(organisation)
    _token, raw = make_token(user=user, scopes=WRITE)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    client.user = user
    return client


def _url(version, suffix=""):
    name = "comments_api:bulk_comments" if suffix == "bulk" else "comments_api:version_comments"
    return reverse(name, args=[version.draft.slug, version.number])


def _post(client, url, payload, **headers):
    return client.post(url, json.dumps(payload), content_type="application/json", headers=headers)


def _item(**fields):
    return {"line_start": 4, "body": "Name who runs the tests.", **fields}


def test_one_comment_is_created_and_a_retry_by_external_id_returns_it(api, version, organisation):
    payload = _item(external_id="c-1", organisation=organisation.slug, kind="technical")
    response = _post(api, _url(version), payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "HAIP-V1-000001"
    assert (body["organisation"]["slug"], body["kind"], body["channel"]) == (
        organisation.slug,
        "technical",
        "api",
    )
    again = _post(api, _url(version), payload)
    assert again.status_code == 200
    assert again.json()["reference"] == "HAIP-V1-000001"
    assert Comment.objects.count() == 1


def test_a_mixed_batch_is_answered_item_by_item(api, version, organisation):
    submit(version=version, author=api.user, external_id="old-1")
    stranger = verified_organisation(name="Not mine")
    items = [
        _item(external_id="new-1", organisation=organisation.slug),
        _item(external_id="bad-anchor", line_start=99),
        _item(external_id="old-1"),
        _item(external_id="wrong-org", organisation=stranger.slug),
        _item(external_id="no-such-org", organisation="nobody"),
        {"external_id": "no-body", "line_start": 4},
        _item(external_id="new-2", quote={"exact": "organisations document"}, line_start=5),
    ]
    response = _post(api, _url(version, "bulk"), items)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [r["status"] for r in body["results"]] == [
        "created",
        "rejected",
        "duplicate",
        "rejected",
        "rejected",
        "rejected",
        "created",
    ]
    assert (body["created"], body["duplicate"], body["rejected"]) == (2, 1, 4)
    results = body["results"]
    assert results[2]["reference"] == "HAIP-V1-000001"
    assert "outside this version" in results[1]["errors"]["line_start"][0]
    assert "do not represent Not mine" in results[3]["errors"]["organisation"][0]
    assert "No organisation 'nobody'" in results[4]["errors"]["organisation"][0]
    assert "body" in results[5]["errors"]
    assert [r["index"] for r in results] == list(range(7))
    assert Comment.objects.count() == 3


def test_atomic_batches_store_nothing_when_one_item_fails(api, version):
    items = [_item(external_id="a"), _item(external_id="b", line_start=0), _item(external_id="c")]
    response = _post(api, _url(version, "bulk") + "?atomic=true", items)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "batch_rejected"
    assert [r["index"] for r in body["results"]] == [1]
    assert not Comment.objects.exists()
    anchors = [_item(external_id="d"), _item(external_id="e", line_start=99)]
    assert _post(api, _url(version, "bulk") + "?atomic=true", anchors).status_code == 422
    assert not Comment.objects.exists()


def test_an_atomic_batch_names_every_mistake_in_one_answer(api, version):
    """A client fixes its batch in one round: the items that are not a comment's shape and the
    ones the rules refuse are answered together (before, only the first kind came back)."""
    items = [
        _item(external_id="ok"),
        _item(external_id="shape", line_start="four"),
        _item(external_id="anchor", line_start=99),
        _item(external_id="filer", organisation="nobody"),
        {"external_id": "empty", "line_start": 4, "body": " "},
    ]
    response = _post(api, _url(version, "bulk") + "?atomic=true", items)
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["message"]) == (
        "batch_rejected",
        "4 of 5 comments were rejected; with atomic=true none was stored.",
    )
    assert {r["index"]: r["errors"] for r in body["results"]} == {
        1: {"line_start": ["A valid integer is required."]},
        2: {"line_start": ["Line 99 is outside this version, which has lines 1–14."]},
        3: {"organisation": ["No organisation 'nobody'."]},
        4: {"body": ["The comment is empty."]},
    }
    assert {r["status"] for r in body["results"]} == {"rejected"}
    assert not Comment.objects.exists()
    fixed = [_item(external_id=item["external_id"]) for item in items]
    response = _post(api, _url(version, "bulk") + "?atomic=true", fixed)
    assert response.status_code == 200
    assert response.json()["created"] == 5


def test_a_batch_over_1000_items_is_refused(api, version):
    response = _post(api, _url(version, "bulk"), [_item()] * 1001)
    assert response.status_code == 400
    assert "between 1 and 1,000" in response.json()["message"]


def test_idempotency_key_replays_refuses_a_different_body_and_waits_for_a_running_one(api, version):
    first = _post(api, _url(version), _item(), **{"Idempotency-Key": "k-1"})
    replay = _post(api, _url(version), _item(), **{"Idempotency-Key": "k-1"})
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Comment.objects.count() == 1

    conflict = _post(api, _url(version), _item(body="Other."), **{"Idempotency-Key": "k-1"})
    assert conflict.status_code == 422
    assert conflict.json()["code"] == "idempotency_key_reused"

    # A request with key k-2 is still running (its record is in progress): a retry waits.
    running = _post(api, _url(version), _item(), **{"Idempotency-Key": "k-2"})
    IdempotencyRecord.objects.filter(key="k-2").update(state="in_progress")
    retry = _post(api, _url(version), _item(), **{"Idempotency-Key": "k-2"})
    assert running.status_code == 201
    assert retry.status_code == 409
    assert retry["Retry-After"] == "1"
    assert Comment.objects.count() == 2
    record = IdempotencyRecord.objects.get(key="k-1")
    assert record.expires_at >= version.closes_at


def test_an_oversized_body_is_refused_as_json_413(api, version):
    with override_settings(API_MAX_BODY_BYTES=1000):
        response = _post(api, _url(version, "bulk"), [_item(body="x" * 2000)])
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert not Comment.objects.exists()


def test_comment_volume_is_throttled_by_what_requests_cost(api, version, monkeypatch):
    rates = {"api_requests": "1000/minute", "api_comments": "5/hour"}
    monkeypatch.setattr(ApiCommentThrottle, "THROTTLE_RATES", rates)
    ok = _post(api, _url(version, "bulk"), [_item(external_id=f"x{n}") for n in range(4)])
    too_many = _post(api, _url(version, "bulk"), [_item(external_id="y1"), _item()])
    one_more = _post(api, _url(version), _item(external_id="z1"))
    assert ok.status_code == 200
    assert too_many.status_code == 429
    assert int(too_many["Retry-After"]) > 0
    assert too_many.json()["code"] == "throttled"
    assert one_more.status_code == 201  # the refused request cost nothing
    assert Comment.objects.count() == 5


def test_requests_are_throttled_per_token(api, version, monkeypatch):
    monkeypatch.setattr(ApiRequestThrottle, "THROTTLE_RATES", {"api_requests": "2/minute"})
    assert api.get(_url(version)).status_code == 200
    assert api.get(_url(version)).status_code == 200
    refused = api.get(_url(version))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_request_limits_count_fixed_windows_and_say_when_the_next_begins(api, version, monkeypatch):
    monkeypatch.setattr(ApiRequestThrottle, "THROTTLE_RATES", {"api_requests": "2/minute"})
    now = [60 * 1_000_000 + 15.5]  # 15.5 s into a minute
    monkeypatch.setattr(throttles, "_clock", lambda: now[0])
    assert [api.get(_url(version)).status_code for _ in range(2)] == [200, 200]
    refused = api.get(_url(version))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"  # the window ends in 44.5 s
    assert refused.json()["code"] == "throttled"
    now[0] += 44  # still the same window
    assert api.get(_url(version)).status_code == 429
    now[0] += 1  # the next minute
    assert api.get(_url(version)).status_code == 200
    _token, raw = make_token(user=api.user, scopes=WRITE)  # another token counts apart
    other = api.get(_url(version), headers={"Authorization": f"Bearer {raw}"})
    assert other.status_code == 200


def test_tokens_need_the_write_scope_to_file(client, version, organisation):
    user = representative_of(organisation)
    _token, raw = make_token(user=user, scopes=[ApiToken.Scope.COMMENTS_READ])
    response = client.post(
        _url(version),
        json.dumps(_item()),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 403
    assert "comments:write" in response.json()["message"]
    assert not Comment.objects.exists()


def test_anonymous_clients_cannot_file(client, version):
    response = client.post(_url(version), json.dumps(_item()), content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_confidential_comments_do_not_exist_for_outsiders(client, version, organisation):
    confidential = submit(
        version=version,
        author=representative_of(organisation),
        organisation=organisation,
        visibility="confidential",
        line_start=5,
    )
    public = submit(version=version, author=representative_of(organisation), line_start=6)
    outsider = make_user()
    _token, raw = make_token(user=outsider)
    headers = {"Authorization": f"Bearer {raw}"}
    listing = client.get(_url(version), headers=headers).json()
    assert [c["reference"] for c in listing["results"]] == [public.reference]
    for query in (
        "?line_from=5&line_to=5",
        "?visibility=confidential",
        f"?organisation={organisation.slug}&line_from=5&line_to=5",
    ):
        filtered = client.get(_url(version) + query, headers=headers).json()
        assert confidential.reference not in json.dumps(filtered)
    detail = client.get(
        reverse("comments_api:comment_detail", args=[confidential.reference]), headers=headers
    )
    assert detail.status_code == 404
    assert detail.json() == {"code": "not_found", "message": "Not found.", "errors": {}}
    member = representative_of(organisation)
    _token, member_raw = make_token(user=member)
    inside = client.get(_url(version), headers={"Authorization": f"Bearer {member_raw}"}).json()
    assert confidential.reference in [c["reference"] for c in inside["results"]]


def test_listing_filters_and_paginates_with_a_cursor(api, version):
    for line in (3, 4, 5, 6, 7):
        submit(
            version=version,
            author=api.user,
            line_start=line,
            kind="editorial" if line % 2 else "general",
        )
    page = api.get(_url(version) + "?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]
    rest = api.get(page["next"]).json()
    assert len(rest["results"]) == 2
    editorial = api.get(_url(version) + "?kind=editorial").json()
    assert {c["line_start"] for c in editorial["results"]} == {3, 5, 7}
    bad = api.get(_url(version) + "?line_from=x")
    assert bad.status_code == 400 and "line_from" in bad.json()["errors"]


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("line_from=x", "line_from", "Give a whole number."),
        ("line_to=99999999999999999999", "line_to", "Give a whole number."),
        ("changed_since=yesterday", "changed_since", "Give an ISO 8601 date and time."),
        ("changed_since=2026-13-45T00:00:00Z", "changed_since", "Give an ISO 8601 date and time."),
    ],
)
def test_a_list_filter_that_does_not_read_is_a_400_naming_it(
    api, version, query, parameter, message
):
    response = api.get(_url(version) + "?" + query)
    assert response.status_code == 400
    assert response.json()["errors"] == {parameter: [message]}


def test_the_list_filters_by_line_range_organisation_and_change_time(api, version, organisation):
    early = submit(version=version, author=api.user, organisation=organisation, line_start=4)
    late = submit(version=version, author=api.user, line_start=6, line_end=8)
    Comment.objects.filter(pk=early.pk).update(updated_at="2020-01-01T00:00:00Z")

    def listed(query: str) -> list[str]:
        response = api.get(_url(version) + "?" + query)
        assert response.status_code == 200, response.json()
        return [c["reference"] for c in response.json()["results"]]

    assert listed("line_from=5") == [late.reference]
    assert listed("line_from=8&line_to=8") == [late.reference]
    assert listed("line_to=5") == [early.reference]
    assert listed(f"organisation={organisation.slug}") == [early.reference]
    assert listed("changed_since=2021-01-01T00:00:00Z") == [late.reference]
    assert listed("disposition=open&line=4") == [
        early.reference,
        late.reference,
    ]  # not filters here


def test_list_queries_do_not_grow_with_comments(
    api, version, organisation, secretariat_user, django_assert_max_num_queries
):
    endorser = verified_organisation(name="Endorser")
    other = representative_of(endorser)
    for line in range(3, 12):
        comment = submit(
            version=version, author=api.user, organisation=organisation, line_start=line
        )
        if line % 2:
            services.endorsement_create(comment=comment, user=other, organisation=endorser)
        if line % 3 == 0:
            services.comment_dispose(
                comments=[comment], user=secretariat_user, outcome="noted", response="Noted."
            )
    api.get(_url(version))  # the token's last use is written at most once a minute
    # The token (with its user), the user's facts (groups, working groups, memberships), the
    # version, the page of comments.
    with django_assert_max_num_queries(4):
        response = api.get(_url(version) + "?page_size=200")
    assert len(response.json()["results"]) == 9
    with django_assert_max_num_queries(4):
        page = api.get(_url(version) + "?page_size=2")
    with django_assert_max_num_queries(4):
        assert len(api.get(page.json()["next"]).json()["results"]) == 2
    with django_assert_max_num_queries(2):  # anonymous: the version, the page
        assert len(Client().get(_url(version)).json()["results"]) == 9


def test_a_batch_of_1000_comments_costs_the_queries_of_one(
    api, version, organisation, django_assert_num_queries
):
    # Before: the token's last use is written at most once a minute, the personal
    # organisation and the version's counter exist after a first filing.
    assert _post(api, _url(version, "bulk"), [_item(external_id="first")]).status_code == 200
    old = _item(external_id="old-1", organisation=organisation.slug)
    assert _post(api, _url(version, "bulk"), [old]).status_code == 200
    items = [
        _item(
            external_id=f"n-{n}",
            line_start=4 if n % 10 == 0 else 4 + n % 9,
            organisation=organisation.slug if n % 2 else None,
            quote={"exact": "organisations document"} if n % 10 == 0 else None,
        )
        for n in range(997)
    ]
    items += [old, _item(line_start=99), {"line_start": "x", "body": "Not a number."}]
    # The token (with its user), the user's facts, the version; in the service's savepoint
    # (2 statements): the version again, the lines the anchors need, the organisations, the
    # external ids already used, the personal organisation (in a savepoint of its own: 3), the
    # counter (locked, then moved on), the inserts, and the kept counts (lines, countries,
    # quotes, totals: 4).
    with django_assert_num_queries(18 + comment_inserts(997)):
        response = _post(api, _url(version, "bulk"), items)
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["duplicate"], body["rejected"]) == (997, 1, 2)
    assert Comment.objects.count() == 999


@pytest.mark.parametrize("time_zone", ["UTC", "Asia/Tokyo"])
def test_the_list_answers_what_the_comment_serializer_would(
    api, version, organisation, secretariat_user, settings, time_zone
):
    """The list writes its rows without CommentOutputSerializer: the JSON must not differ, for
    every shape of comment (quoted, confidential, edited, endorsed, disposed, another
    author's), whatever the time zone."""
    settings.TIME_ZONE = time_zone
    text = Line.objects.get(version=version, number=4).text
    exact = text.split()[1]
    other_organisation = verified_organisation(name="Second org")
    other = representative_of(other_organisation)
    quoted = submit(
        version=version,
        author=api.user,
        organisation=organisation,
        line_start=4,
        quote=Quote(exact, prefix=text[: text.index(exact)]),
        external_id="mine-1",
        kind="technical",
        stance="support",
        proposed_text="Name the team.",
    )
    submit(
        version=version,
        author=api.user,
        organisation=organisation,
        line_start=5,
        line_end=6,
        visibility="confidential",
        language="fr",
    )
    theirs = submit(version=version, author=other, organisation=other_organisation, external_id="t")
    services.comment_edit(
        comment=quoted,
        user=api.user,
        body="Edited: name who runs it.",
        proposed_text="",
        kind="editorial",
        stance="amend",
    )
    services.endorsement_create(comment=quoted, user=other, organisation=other_organisation)
    services.comment_dispose(
        comments=[theirs], user=secretariat_user, outcome="noted", response="Noted, thanks."
    )
    request = RequestFactory().get("/")
    request.user = api.user
    comments = (
        selectors.version_comments(user=api.user, version=version)
        .select_related("version__draft")
        .order_by("pk")
    )
    expected = CommentOutputSerializer(comments, many=True, context={"request": request}).data
    listing = api.get(_url(version))
    assert listing.status_code == 200
    results = json.loads(listing.content)["results"]
    assert results == json.loads(JSONRenderer().render(expected))
    assert len(results) == 3
    assert [c["external_id"] for c in results] == ["mine-1", "", None]
    assert results[0]["quote"]["exact"] == exact and results[0]["edited_at"]
    assert results[0]["created_at"].endswith("Z" if time_zone == "UTC" else "+09:00")
    assert results[0]["endorsements"] == 1 and results[2]["disposition"]["outcome"] == "noted"
    assert list(results[0]) == list(CommentOutputSerializer().fields)
    assert "pk" in COMMENT_ROW_FIELDS  # the cursor's position


def test_withdraw_reply_and_endorse(api, version, organisation):
    comment = submit(version=version, author=api.user)
    other_org = verified_organisation(name="Second org")
    endorser = representative_of(other_org)
    _token, raw = make_token(user=endorser, scopes=WRITE)
    endorse = _post(
        api,
        reverse("comments_api:comment_endorse", args=[comment.reference]),
        {"organisation": other_org.slug},
        Authorization=f"Bearer {raw}",
    )
    assert endorse.status_code == 201 and endorse.json()["endorsements"] == 1
    reply = _post(
        api, reverse("comments_api:comment_reply", args=[comment.reference]), {"body": "Thanks."}
    )
    assert reply.status_code == 201
    detail = api.get(reverse("comments_api:comment_detail", args=[comment.reference])).json()
    assert detail["replies"][0]["body"] == "Thanks."
    assert detail["endorsed_by"][0]["organisation"]["slug"] == other_org.slug
    withdrawn = _post(api, reverse("comments_api:comment_withdraw", args=[comment.reference]), {})
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
