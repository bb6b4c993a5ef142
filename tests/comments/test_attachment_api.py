"""Position papers over the API: added by the comment's author as multipart, listed and
downloaded by whoever may see the comment."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import ApiToken
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.comments.papers import docx_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db
WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def _bearer(client, user):
    _token, raw = make_token(user=user, scopes=WRITE)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def _comment(visibility="public"):
    organisation = verified_organisation()
    author = representative_of(organisation)
    return submit(
        version=open_version(), author=author, organisation=organisation, visibility=visibility
    )


def _list_url(comment):
    return reverse("comments_api:comment_attachments", args=[comment.reference])


def test_the_author_adds_papers_and_anyone_who_sees_the_comment_lists_and_downloads_them(client):
    comment = _comment()
    api = _bearer(client, comment.author)
    response = api.post(
        _list_url(comment),
        {"attachments": [upload("a.pdf", pdf_bytes()), upload("b.docx", docx_bytes("B."))]},
    )
    assert response.status_code == 201, response.json()
    added = response.json()
    assert [(a["file_name"], a["kind"]) for a in added] == [("a.pdf", "pdf"), ("b.docx", "docx")]
    api.defaults.pop("HTTP_AUTHORIZATION")
    listed = client.get(_list_url(comment)).json()
    assert [a["id"] for a in listed] == [a["id"] for a in added]
    detail = client.get(reverse("comments_api:comment_detail", args=[comment.reference])).json()
    assert [a["file_name"] for a in detail["attachments"]] == ["a.pdf", "b.docx"]
    download = client.get(added[0]["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == pdf_bytes()


def test_a_refused_file_is_named_and_nothing_is_stored(client):
    comment = _comment()
    response = _bearer(client, comment.author).post(
        _list_url(comment),
        {"attachments": [upload("a.pdf", pdf_bytes()), upload("evil.docx", b"MZ" + bytes(99))]},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"]["attachments"][0].startswith("evil.docx: its content is not a PDF")
    assert comment.attachments.count() == 0


def test_another_stakeholder_may_not_attach_to_a_comment(client):
    comment = _comment()
    response = _bearer(client, representative_of(verified_organisation())).post(
        _list_url(comment), {"attachments": [upload("a.pdf", pdf_bytes())]}
    )
    assert response.status_code == 403
    assert comment.attachments.count() == 0


def test_confidential_papers_do_not_exist_for_outsiders(client):
    comment = _comment("confidential")
    _bearer(client, comment.author).post(
        _list_url(comment), {"attachments": [upload("a.pdf", pdf_bytes())]}
    )
    attachment = comment.attachments.get()
    url = reverse("comments_api:comment_attachment", args=[comment.reference, attachment.pk])
    assert client.get(url).status_code == 200  # the author
    outsider = _bearer(client, representative_of(verified_organisation()))
    assert outsider.get(url).status_code == 404
    assert outsider.get(_list_url(comment)).status_code == 404
    outsider.defaults.pop("HTTP_AUTHORIZATION")
    assert client.get(url).status_code == 404
