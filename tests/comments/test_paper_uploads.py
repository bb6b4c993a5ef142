"""Position papers over the JSON API: uploaded first (checked as any attachment is), then named
by id in the comments filed one at a time or in bulk. Only the uploader may name an upload,
once, before it expires; a refused id rejects its item by name with nothing of it stored; a
retry files nothing twice; expired uploads are deleted with their files."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from comments import services
from comments.models import Attachment, Comment, PaperUpload, private_storage
from tests.accounts.factories import make_token, make_user
from tests.comments.factories import open_version, representative_of, verified_organisation
from tests.comments.papers import (
    docx_bytes,
    encrypted_pdf_bytes,
    pdf_bytes,
    upload,
    zip_bomb_docx_bytes,
)

pytestmark = pytest.mark.django_db
WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)


@pytest.fixture
def api(client):
    cache.clear()
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Kumo AI")
    user = representative_of(organisation)
    _token, raw = make_token(user=user, scopes=WRITE)
    client.raise_request_exception = False

    class Api:
        def __init__(self) -> None:
            self.user = user
            self.version = version
            self.auth = {"Authorization": f"Bearer {raw}"}

        def paper(self, name="paper.pdf", data=None, *, auth=None):
            return client.post(
                reverse("comments_api:paper_uploads"),
                {"file": upload(name, data if data is not None else pdf_bytes())},
                headers=auth or self.auth,
            )

        def paper_id(self, text="Independent auditors.", name="paper.pdf"):
            response = self.paper(name, pdf_bytes(text) if name.endswith(".pdf") else None)
            assert response.status_code == 201, response.json()
            return response.json()["id"]

        def bulk(self, items, *, atomic=False, **headers):
            url = reverse("comments_api:bulk_comments", args=["haip", 1])
            if atomic:
                url += "?atomic=true"
            return client.post(
                url, items, content_type="application/json", headers={**self.auth, **headers}
            )

    yield Api()
    cache.clear()


def _item(n, papers=None, **fields):
    item = {"external_id": f"e{n}", "line_start": 4, "body": f"Point {n}.", **fields}
    if papers is not None:
        item["attachments"] = papers
    return item


def test_a_paper_uploaded_first_is_attached_to_the_comment_that_names_it(client, api):
    response = api.paper("position.pdf", pdf_bytes("Independent auditors must sign off."))
    assert response.status_code == 201, response.json()
    paper = response.json()
    assert (paper["file_name"], paper["kind"]) == ("position.pdf", "pdf")
    docx = api.paper("annex.docx", docx_bytes("Incident reporting.")).json()["id"]
    answer = api.bulk([_item(1, [paper["id"], docx.upper()]), _item(2)])
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["created"], answer.json()["rejected"]) == (2, 0)
    comment = Comment.objects.get(external_id="e1")
    stored = list(comment.attachments.all())
    assert [a.file_name for a in stored] == ["position.pdf", "annex.docx"]
    assert "Independent auditors" in stored[0].text
    with private_storage().open(stored[0].file.name) as handle:
        assert handle.read().startswith(b"%PDF-")
    assert not PaperUpload.objects.exists()
    rows = client.get(
        reverse("comments_api:version_comments", args=["haip", 1]), {"q": "auditors"}
    ).json()["results"]
    assert [row["reference"] for row in rows] == [comment.reference]
    download = client.get(
        reverse("comments_api:comment_attachment", args=[comment.reference, stored[0].pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")


def test_one_comment_filed_over_the_api_takes_its_papers_too(client, api):
    paper = api.paper_id()
    response = client.post(
        reverse("comments_api:version_comments", args=["haip", 1]),
        _item(1, [paper]),
        content_type="application/json",
        headers=api.auth,
    )
    assert response.status_code == 201, response.json()
    reference = response.json()["reference"]
    detail = client.get(
        reverse("comments_api:comment_detail", args=[reference]), headers=api.auth
    ).json()
    assert [a["file_name"] for a in detail["attachments"]] == ["paper.pdf"]


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("tool.pdf", b"MZ\x90\x00" + bytes(400), "its content is not a PDF"),
        ("big.pdf", pdf_bytes("x" * 50_000), "the limit is 40,000"),
        ("bomb.docx", zip_bomb_docx_bytes(), "zip bomb"),
        ("locked.pdf", encrypted_pdf_bytes(), "encrypted"),
    ],
)
@override_settings(ATTACHMENT_MAX_BYTES=40_000)
def test_a_bad_paper_is_refused_at_upload_and_nothing_is_kept(api, name, data, fragment):
    response = api.paper(name, data)
    assert response.status_code == 422
    assert response.json()["message"].startswith(f"{name}: ")
    assert fragment in response.json()["message"]
    assert not PaperUpload.objects.exists()


def test_an_id_that_cannot_be_taken_rejects_its_item_by_name_and_stores_nothing_of_it(api):
    mine = api.paper_id()
    spare = api.paper_id()
    other = make_user()
    _token, raw = make_token(user=other, scopes=WRITE)
    theirs = api.paper(auth={"Authorization": f"Bearer {raw}"}).json()["id"]
    expired = api.paper_id()
    PaperUpload.objects.filter(key=expired).update(expires_at=timezone.now())
    answer = api.bulk(
        [
            _item(0, [mine]),
            _item(1, [theirs]),
            _item(2, [expired]),
            _item(3, ["not-an-id"]),
            _item(4, [mine]),
            _item(5, [spare, spare, spare, spare]),
            _item(6, "one text"),
        ]
    ).json()
    assert (answer["created"], answer["rejected"]) == (1, 6)
    errors = [result["errors"].get("attachments", [""])[0] for result in answer["results"]]
    assert errors[0] == ""
    assert errors[1].startswith(f"{theirs}: no paper upload of yours has this id")
    assert errors[2] == f"{expired}: this paper upload expired."
    assert errors[3].startswith("not-an-id: no paper upload of yours")
    assert errors[4] == f"{mine}: this paper upload is named twice in this request."
    assert errors[5].startswith("A comment takes at most 3 attachments")
    assert errors[6] == "Give the ids of your paper uploads as a list of texts."
    assert list(Comment.objects.values_list("external_id", flat=True)) == ["e0"]
    assert Attachment.objects.count() == 1
    assert set(PaperUpload.objects.values_list("key", flat=True)).isdisjoint({mine})


def test_an_atomic_batch_with_a_refused_paper_stores_nothing(api):
    good = api.paper_id()
    answer = api.bulk([_item(0, [good]), _item(1, ["missing"])], atomic=True)
    assert answer.status_code == 422
    assert [r["index"] for r in answer.json()["results"]] == [1]
    assert not Comment.objects.exists() and not Attachment.objects.exists()
    assert PaperUpload.objects.filter(key=good).exists()


def test_a_retried_request_files_nothing_twice(api):
    paper = api.paper_id()
    first = api.bulk([_item(0, [paper])], **{"Idempotency-Key": "b1"})
    replay = api.bulk([_item(0, [paper])], **{"Idempotency-Key": "b1"})
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    # Without the key, the external id finds the comment: a duplicate, though its paper is taken.
    again = api.bulk([_item(0, [paper])]).json()
    assert (again["duplicate"], again["rejected"]) == (1, 0)
    assert again["results"][0]["reference"] == first.json()["results"][0]["reference"]
    assert (Comment.objects.count(), Attachment.objects.count()) == (1, 1)


def test_a_confidential_comments_paper_is_served_only_to_those_who_see_it(client, api):
    paper = api.paper_id("Secret plan.")
    api.bulk([_item(0, [paper], visibility="confidential")])
    comment = Comment.objects.get()
    attachment = comment.attachments.get()
    url = reverse("comments_api:comment_attachment", args=[comment.reference, attachment.pk])
    assert client.get(url, headers=api.auth).status_code == 200
    assert client.get(url).status_code == 404
    _token, raw = make_token(user=make_user(), scopes=WRITE)
    assert client.get(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 404
    rows = client.get(
        reverse("comments_api:version_comments", args=["haip", 1]), {"q": "secret"}
    ).json()["results"]
    assert rows == []


def test_papers_cost_the_same_queries_for_two_items_as_for_twenty(api):
    def filed(count, start):
        papers = [api.paper_id() for _ in range(count)]
        items = [_item(start + n, [paper]) for n, paper in enumerate(papers)]
        with CaptureQueriesContext(connection) as queries:
            assert api.bulk(items).json()["created"] == count
        return len(queries)

    filed(1, 100)  # the personal organisation and the counter exist from now on
    assert filed(2, 0) == filed(20, 10)
    assert Attachment.objects.count() == 23


def test_expired_unused_uploads_are_deleted_with_their_files_and_taken_ones_kept(api):
    taken, unused, fresh = api.paper_id(), api.paper_id(), api.paper_id()
    api.bulk([_item(0, [taken])])
    later = timezone.now() + timedelta(hours=25)
    PaperUpload.objects.filter(key=fresh).update(expires_at=later + timedelta(hours=1))
    gone = PaperUpload.objects.get(key=unused).file.name
    assert private_storage().exists(gone)
    assert services.paper_uploads_delete_expired(now=later) == 1
    assert list(PaperUpload.objects.values_list("key", flat=True)).__len__() == 1
    assert not private_storage().exists(gone)
    assert private_storage().exists(Attachment.objects.get().file.name)


@override_settings(PAPER_UPLOADS_MAX_PENDING=2)
def test_unused_uploads_are_limited_per_person(api):
    api.paper_id()
    api.paper_id()
    refused = api.paper()
    assert refused.status_code == 422
    assert "2 unused paper uploads" in refused.json()["message"]
    assert PaperUpload.objects.count() == 2


def test_uploading_a_paper_needs_a_writing_token(client, api):
    assert api.paper(auth={"Authorization": "Bearer nope"}).status_code == 401
    _token, raw = make_token(user=api.user, scopes=(ApiToken.Scope.COMMENTS_READ,))
    assert api.paper(auth={"Authorization": f"Bearer {raw}"}).status_code == 403
