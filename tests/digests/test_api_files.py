"""A digest's files over the API: every link the API gives for a digest works with a Bearer
token that may read the digest (scope ``digests:read``), and is refused otherwise."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import permissions
from accounts.models import ApiToken, User
from accounts.permissions import SECRETARIAT_GROUP
from tests.accounts.factories import make_token
from tests.comments.consultations import SECRET
from tests.comments.factories import working_group_member
from tests.digests.factories import request_built

pytestmark = pytest.mark.django_db

READ = [ApiToken.Scope.DIGESTS_READ]


def _bearer(raw: str) -> dict[str, str]:
    return {"authorization": f"Bearer {raw}"}


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def digests(consultation, secretariat_user, django_capture_on_commit_callbacks):
    """A ready public digest and a ready working-group digest of the consultation."""
    build = {"capture": django_capture_on_commit_callbacks}
    version = consultation["version"]
    return {
        "public": request_built(secretariat_user, version, audience="public", **build),
        "private": request_built(secretariat_user, version, audience="working_group", **build),
    }


def _links(client, digest, headers) -> list[str]:
    """Every file link the API gives for ``digest``, and the page's own file links."""
    body = client.get(reverse("digests_api:digest_detail", args=[digest.pk]), headers=headers)
    assert body.status_code == 200, body.content
    files = body.json()["files"]
    assert files, "a ready digest has files"
    pages = [reverse("digests:digest_download", args=[digest.pk, f["format"]]) for f in files]
    return [f["url"] for f in files] + pages


def test_every_file_link_of_the_api_works_with_a_token_that_may_read_the_digest(
    client, digests, secretariat_user
):
    _token, raw = make_token(user=secretariat_user, scopes=READ)
    for digest in digests.values():
        for link in _links(client, digest, _bearer(raw)):
            response = client.get(link, headers={**_bearer(raw), "accept": "application/pdf"})
            assert response.status_code == 200, (link, response.content)
            assert _body(response), link
    pdf = client.get(
        reverse("digests_api:digest_file", args=[digests["private"].pk, "pdf"]),
        headers=_bearer(raw),
    )
    assert pdf["Content-Type"] == "application/pdf" and _body(pdf).startswith(b"%PDF")


def test_file_links_refuse_a_token_without_the_digests_read_scope(
    client, digests, secretariat_user
):
    _token, reader = make_token(user=secretariat_user, scopes=READ)
    links = _links(client, digests["private"], _bearer(reader))
    _token, other = make_token(user=secretariat_user, scopes=[ApiToken.Scope.COMMENTS_READ])
    for link in links:
        response = client.get(link, headers=_bearer(other))
        assert response.status_code == 403, link
        assert "digests:read" in response.json()["message"]


def test_file_links_of_a_working_group_digest_do_not_exist_without_a_right_to_read_it(
    client, consultation, digests, secretariat_user
):
    _token, reader = make_token(user=secretariat_user, scopes=READ)
    links = _links(client, digests["private"], _bearer(reader))
    _token, stakeholder = make_token(user=consultation["filer"], scopes=READ)
    for link in links:
        assert client.get(link).status_code == 404, link  # no token, no session
        assert client.get(link, headers=_bearer(stakeholder)).status_code == 404, link
        assert client.get(link, headers=_bearer("haip_bad_token")).status_code == 401, link


def test_a_token_created_without_two_factor_carries_no_working_group_powers(client, digests):
    member = User.objects.create_user(email="no-2fa@example.org", password="x" * 16)
    member.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    permissions.record_authentication(member, two_factor=False)
    _token, raw = make_token(user=member, scopes=READ)
    link = reverse("digests_api:digest_file", args=[digests["private"].pk, "pdf"])
    assert client.get(link, headers=_bearer(raw)).status_code == 404
    public = reverse("digests_api:digest_file", args=[digests["public"].pk, "pdf"])
    assert client.get(public, headers=_bearer(raw)).status_code == 200


def test_a_member_of_another_working_group_cannot_fetch_a_scoped_digest(
    client, consultation, secretariat_user, django_capture_on_commit_callbacks
):
    owner = working_group_member()
    group = owner.working_groups.get()
    group.section_keys = ["action-1"]
    group.save()
    digest = request_built(
        owner,
        consultation["version"],
        audience="working_group",
        working_group=group,
        capture=django_capture_on_commit_callbacks,
    )
    _token, own = make_token(user=owner, scopes=READ)
    _token, stranger = make_token(user=working_group_member(), scopes=READ)
    for link in _links(client, digest, _bearer(own)):
        assert client.get(link, headers=_bearer(own)).status_code == 200, link
        assert client.get(link, headers=_bearer(stranger)).status_code == 404, link


def test_public_files_fetched_with_a_token_hold_no_confidential_text(client, consultation, digests):
    _token, raw = make_token(user=consultation["filer"], scopes=READ)
    textual = ("md", "html", "json", "matrix.csv")
    links = _links(client, digests["public"], _bearer(raw))
    fetched = [client.get(link, headers=_bearer(raw)) for link in links if link.endswith(textual)]
    assert fetched and all(r.status_code == 200 for r in fetched)
    for response in fetched:
        assert SECRET.encode() not in _body(response)
