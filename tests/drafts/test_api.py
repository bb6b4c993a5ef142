"""The drafts API through the test client: anonymous, with personal tokens, and as the
secretariat's session."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as account_services
from accounts.models import ApiToken
from drafts import services
from drafts.models import DraftVersion
from tests.accounts.factories import make_token
from tests.conftest import login_with_two_factor
from tests.drafts.factories import make_draft, markdown_source, open_version, publish

pytestmark = pytest.mark.django_db


def _list_url() -> str:
    return reverse("drafts_api:draft_list")


def _draft_url(slug: str) -> str:
    return reverse("drafts_api:draft_detail", args=[slug])


def _version_url(version: DraftVersion) -> str:
    return reverse("drafts_api:version_detail", args=[version.draft.slug, version.number])


def _diff_url(slug: str) -> str:
    return reverse("drafts_api:diff", args=[slug])


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    assert body["message"]
    return body


@pytest.fixture
def reader_token(stakeholder_user) -> str:
    """A stakeholder's token with comments:read."""
    _token, raw = make_token(user=stakeholder_user, scopes=[ApiToken.Scope.COMMENTS_READ])
    return raw


@pytest.fixture
def with_unpublished_v2():
    """A draft whose v1 is open and whose v2 is still being prepared."""
    v1 = open_version(slug="haip-code", title="HAIP Code")
    v2 = services.version_create(draft=v1.draft, created_by=None)
    return v1, v2


def _two_versions() -> tuple[DraftVersion, DraftVersion]:
    """v1, and a published v2 with one word changed, one line removed and a section added."""
    v1 = open_version(slug="haip-code", sections=3, lines_per_section=3)
    source = v1.source.replace("measure 2 of action 1", "measure two of action 1")
    source = source.replace("- Practice 3.3: organisations document measure 3 of action 3.\n", "")
    source += "\n## 4. A new action\n\n- Practice 4.1: something new.\n"
    v2 = services.version_create(draft=v1.draft, source=source, created_by=None)
    return v1, publish(v2, changelog="Edits.")


# --- List and detail of drafts ----------------------------------------------------------


def test_list_shows_published_drafts_with_their_visible_versions(client, with_unpublished_v2):
    v1, _v2 = with_unpublished_v2
    make_draft(slug="hidden", title="Not yet published")
    response = client.get(_list_url())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    [draft] = body["results"]
    assert (draft["slug"], draft["title"]) == ("haip-code", "HAIP Code")
    [version] = draft["versions"]
    assert version["number"] == 1
    assert version["status"] == "open"
    assert version["line_count"] == v1.line_count
    assert version["opens_at"] and version["closes_at"] and version["published_at"]
    assert version["url"] == f"http://testserver{_version_url(v1)}"
    assert "changelog" not in version


def test_list_shows_the_secretariat_every_draft_and_version(
    secretariat_client, with_unpublished_v2
):
    make_draft(slug="hidden", title="Not yet published")
    body = secretariat_client.get(_list_url()).json()
    versions = {
        draft["slug"]: [v["number"] for v in draft["versions"]] for draft in body["results"]
    }
    assert versions == {"haip-code": [1, 2], "hidden": [1]}
    statuses = [v["status"] for v in body["results"][0]["versions"]]
    assert statuses == ["open", "draft"]


def test_list_is_paginated_by_cursor(client):
    for number in range(3):
        open_version(slug=f"draft-{number}")
    first = client.get(_list_url(), {"page_size": 2}).json()
    assert [draft["slug"] for draft in first["results"]] == ["draft-0", "draft-1"]
    second = client.get(first["next"]).json()
    assert [draft["slug"] for draft in second["results"]] == ["draft-2"]
    assert second["next"] is None


def test_list_queries_do_not_grow_with_the_number_of_drafts(client):
    open_version(slug="first")
    with CaptureQueriesContext(connection) as few:
        assert client.get(_list_url()).status_code == 200
    for number in range(5):
        v1 = open_version(slug=f"more-{number}")
        publish(services.version_create(draft=v1.draft, created_by=None))
    with CaptureQueriesContext(connection) as many:
        response = client.get(_list_url())
    assert len(response.json()["results"]) == 6
    assert len(many) == len(few) == 2


def test_draft_detail_has_each_visible_version_with_its_changelog(client):
    v1 = open_version(slug="haip-code")
    v2 = services.version_create(
        draft=v1.draft, source=markdown_source(sections=4), created_by=None
    )
    publish(v2, changelog="Added **action 4**.")
    services.version_create(draft=v1.draft, created_by=None)  # v3, unpublished
    response = client.get(_draft_url("haip-code"))
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "haip-code"
    assert [(v["number"], v["changelog"]) for v in body["versions"]] == [
        (1, "Changes."),
        (2, "Added **action 4**."),
    ]


def test_a_draft_with_only_unpublished_versions_does_not_exist_for_the_public(
    client, secretariat_user
):
    make_draft(slug="hidden")
    _assert_error(client.get(_draft_url("hidden")), 404, "not_found")
    _assert_error(client.get(_draft_url("no-such-draft")), 404, "not_found")
    login_with_two_factor(client, secretariat_user)
    assert client.get(_draft_url("hidden")).status_code == 200


# --- One version --------------------------------------------------------------------------


def test_version_has_metadata_changelog_sections_and_lines(client):
    version = open_version(slug="haip-code", sections=2, lines_per_section=2)
    response = client.get(_version_url(version))
    assert response.status_code == 200
    body = response.json()
    assert body["draft"] == {"slug": "haip-code", "title": "Test code"}
    assert (body["number"], body["status"], body["changelog"]) == (1, "open", "Changes.")
    assert body["line_count"] == version.line_count == len(body["lines"])
    assert [s["key"] for s in body["sections"]] == [
        section.key for section in version.sections.order_by("position")
    ]
    action_1 = next(s for s in body["sections"] if s["heading"] == "1. Action number 1")
    assert set(action_1) == {"key", "heading", "position", "line_start", "line_end"}
    lines = {line["number"]: line for line in body["lines"]}
    assert [line["number"] for line in body["lines"]] == list(range(1, version.line_count + 1))
    item = lines[action_1["line_start"] + 1]
    assert item == {
        "number": action_1["line_start"] + 1,
        "section": action_1["key"],
        "kind": "item",
        "text": "Practice 1.1: organisations document measure 1 of action 1.",
        "source": "- Practice 1.1: organisations document measure 1 of action 1.",
    }


def test_include_sections_leaves_the_lines_out(client):
    version = open_version()
    body = client.get(_version_url(version), {"include": "sections"}).json()
    assert "lines" not in body
    assert len(body["sections"]) == version.sections.count()
    assert "lines" in client.get(_version_url(version), {"include": "lines"}).json()


def test_an_unknown_include_is_a_validation_error_naming_it(client):
    version = open_version()
    body = _assert_error(
        client.get(_version_url(version), {"include": "comments"}), 400, "validation_error"
    )
    assert set(body["errors"]) == {"include"}


def test_an_unknown_version_is_404_in_the_error_shape(client):
    version = open_version(slug="haip-code")
    url = reverse("drafts_api:version_detail", args=["haip-code", 9])
    _assert_error(client.get(url), 404, "not_found")
    url = reverse("drafts_api:version_detail", args=["other", version.number])
    _assert_error(client.get(url), 404, "not_found")


@pytest.mark.parametrize("lines_per_section", [5, 665])
def test_version_reads_in_four_queries_whatever_its_length(
    client, django_assert_num_queries, lines_per_section
):
    # 2 + 3 × (1 + lines_per_section) lines: 20, then 1,997.
    version = open_version(sections=3, lines_per_section=lines_per_section)
    # The version, its renderings (the languages it can be read in), its sections, its lines.
    with django_assert_num_queries(4):
        response = client.get(_version_url(version))
    assert len(response.json()["lines"]) == version.line_count


def test_version_queries_are_the_same_for_20_and_2000_lines(client, reader_token):
    short = open_version(slug="short", sections=3, lines_per_section=5)
    long = open_version(slug="long", sections=4, lines_per_section=499)
    assert (short.line_count, long.line_count) == (20, 2002)
    client.get(_list_url(), headers=_bearer(reader_token))  # the token's last use is recorded
    counts = []
    for version in (short, long):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_version_url(version), headers=_bearer(reader_token))
        assert len(response.json()["lines"]) == version.line_count
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Who may see what -----------------------------------------------------------------


def test_an_unpublished_version_is_404_for_anonymous_readers_and_stakeholder_tokens(
    client, with_unpublished_v2, reader_token
):
    _v1, v2 = with_unpublished_v2
    _assert_error(client.get(_version_url(v2)), 404, "not_found")
    _assert_error(client.get(_version_url(v2), headers=_bearer(reader_token)), 404, "not_found")
    body = client.get(_draft_url("haip-code"), headers=_bearer(reader_token)).json()
    assert [v["number"] for v in body["versions"]] == [1]


def test_an_unpublished_version_is_200_for_the_secretariat_session(
    secretariat_client, with_unpublished_v2
):
    _v1, v2 = with_unpublished_v2
    response = secretariat_client.get(_version_url(v2))
    assert response.status_code == 200
    assert (response.json()["number"], response.json()["status"]) == (2, "draft")


def test_a_token_with_comments_read_reads_published_versions(client, with_unpublished_v2):
    v1, _v2 = with_unpublished_v2
    _token, raw = make_token(scopes=[ApiToken.Scope.COMMENTS_READ])
    for url in (_list_url(), _draft_url("haip-code"), _version_url(v1), _diff_url("haip-code")):
        assert client.get(url, headers=_bearer(raw)).status_code == 200, url


def test_a_token_without_comments_read_is_refused_with_403(client):
    version = open_version(slug="haip-code")
    _token, raw = make_token(scopes=[ApiToken.Scope.DIGESTS_READ])
    for url in (
        _list_url(),
        _draft_url("haip-code"),
        _version_url(version),
        _diff_url("haip-code"),
    ):
        body = _assert_error(client.get(url, headers=_bearer(raw)), 403, "permission_denied")
        assert "comments:read" in body["message"]


def test_a_revoked_token_is_refused_with_401(client, stakeholder_user):
    version = open_version()
    token, raw = make_token(user=stakeholder_user)
    account_services.api_token_revoke(user=stakeholder_user, token_id=token.pk)
    response = client.get(_version_url(version), headers=_bearer(raw))
    body = _assert_error(response, 401, "authentication_failed")
    assert "revoked" in body["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_api_is_read_only(secretariat_client):
    version = open_version()
    _assert_error(secretariat_client.post(_list_url(), {}), 405, "method_not_allowed")
    _assert_error(secretariat_client.delete(_version_url(version)), 405, "method_not_allowed")


# --- Diff -------------------------------------------------------------------------------


def test_diff_shows_a_changed_word_as_delete_and_insert_segments(client):
    _two_versions()
    response = client.get(_diff_url("haip-code"), {"from": 1, "to": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["draft"]["slug"] == "haip-code"
    assert (body["from"]["number"], body["to"]["number"]) == (1, 2)
    sections = {section["key"]: section for section in body["sections"]}
    statuses = [(section["heading"], section["status"]) for section in body["sections"]]
    assert statuses[-1] == ("4. A new action", "added")
    assert [status for _heading, status in statuses].count("unchanged") >= 1
    action_1 = next(s for s in sections.values() if s["heading"] == "1. Action number 1")
    assert action_1["status"] == "changed"
    [change] = [row for row in action_1["rows"] if row["kind"] == "change"]
    assert {"kind": "delete", "text": "2"} in change["old"]
    assert {"kind": "insert", "text": "two"} in change["new"]
    assert "".join(segment["text"] for segment in change["old"]).endswith("measure 2 of action 1.")
    assert change["old_number"] and change["new_number"]
    action_3 = next(s for s in sections.values() if s["heading"] == "3. Action number 3")
    [removed] = [row for row in action_3["rows"] if row["kind"] == "delete"]
    assert removed["new_number"] is None and removed["new"] == []
    assert removed["old"] == [
        {"kind": "delete", "text": "Practice 3.3: organisations document measure 3 of action 3."}
    ]


def test_diff_defaults_to_the_previous_and_current_versions(client):
    _two_versions()
    default = client.get(_diff_url("haip-code")).json()
    assert (default["from"]["number"], default["to"]["number"]) == (1, 2)
    assert default == client.get(_diff_url("haip-code"), {"from": 1, "to": 2}).json()
    only_to = client.get(_diff_url("haip-code"), {"to": 1}).json()
    assert (only_to["from"]["number"], only_to["to"]["number"]) == (1, 1)
    assert {section["status"] for section in only_to["sections"]} == {"unchanged"}


def test_diff_of_an_unpublished_version_follows_visibility(
    client, secretariat_user, with_unpublished_v2
):
    default = client.get(_diff_url("haip-code")).json()
    assert (default["from"]["number"], default["to"]["number"]) == (1, 1)
    body = _assert_error(client.get(_diff_url("haip-code"), {"to": 2}), 404, "not_found")
    assert "`to`" in body["message"]
    login_with_two_factor(client, secretariat_user)
    assert client.get(_diff_url("haip-code"), {"from": 1, "to": 2}).status_code == 200


def test_diff_of_unknown_versions_or_drafts_is_404(client):
    _two_versions()
    body = _assert_error(client.get(_diff_url("haip-code"), {"from": 7}), 404, "not_found")
    assert "`from`" in body["message"]
    _assert_error(client.get(_diff_url("no-such-draft")), 404, "not_found")


@pytest.mark.parametrize("value", ["one", "1.5", "0", "-1"])
def test_a_bad_from_is_a_validation_error_naming_it(client, value):
    _two_versions()
    response = client.get(_diff_url("haip-code"), {"from": value, "to": 2})
    body = _assert_error(response, 400, "validation_error")
    assert list(body["errors"]) == ["from"]


def test_a_bad_to_is_a_validation_error_naming_it(client):
    _two_versions()
    body = _assert_error(
        client.get(_diff_url("haip-code"), {"to": "latest"}), 400, "validation_error"
    )
    assert list(body["errors"]) == ["to"]
