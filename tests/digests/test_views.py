"""The digest pages: a version's digests and the form, a digest's page and its files."""

import pytest
from django.urls import reverse

from comments.digests.models import Digest
from tests.digests.factories import request_built

pytestmark = pytest.mark.django_db


def test_digest_pages_and_files(
    consultation, secretariat_client, secretariat_user, django_capture_on_commit_callbacks
):
    version = consultation["version"]
    url = reverse("digests:version_digests", args=["haip", version.number])
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(url, {"audience": "working_group"})
    digest = Digest.objects.get()
    assert response.status_code == 302 and response["Location"] == digest.get_absolute_url()
    page = secretariat_client.get(digest.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for section in version.sections.all():
        assert section.heading in html
    assert "Confidential" in html
    pdf = secretariat_client.get(reverse("digests:digest_download", args=[digest.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    missing = reverse("digests:digest_download", args=[digest.pk, "exe"])
    assert secretariat_client.get(missing).status_code == 404


def test_stakeholders_see_ready_public_digests_but_cannot_ask_for_one(
    consultation, client, secretariat_user, django_capture_on_commit_callbacks
):
    public = request_built(
        secretariat_user,
        consultation["version"],
        audience="public",
        capture=django_capture_on_commit_callbacks,
    )
    private = request_built(
        secretariat_user,
        consultation["version"],
        audience="working_group",
        capture=django_capture_on_commit_callbacks,
    )
    client.force_login(consultation["filer"])
    url = reverse("digests:version_digests", args=["haip", 1])
    listing = client.get(url).content.decode()
    assert public.reference in listing and private.reference not in listing
    assert "Ask for a new digest" not in listing
    assert client.post(url, {"audience": "public"}).status_code == 403
    assert client.get(public.get_absolute_url()).status_code == 200
    assert Digest.objects.count() == 2


def test_digest_pages_use_a_bounded_number_of_queries(
    consultation, secretariat_client, secretariat_user, django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):  # fmt: skip
    for _ in range(3):
        digest = request_built(
            secretariat_user,
            consultation["version"],
            audience="working_group",
            capture=django_capture_on_commit_callbacks,
        )
    with django_assert_max_num_queries(12):
        secretariat_client.get(reverse("digests:version_digests", args=["haip", 1]))
    with django_assert_max_num_queries(12):
        secretariat_client.get(digest.get_absolute_url())
