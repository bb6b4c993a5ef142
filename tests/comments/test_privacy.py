import json

import pytest

from accounts import privacy
from comments import services
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.comments.papers import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def test_the_data_export_holds_the_persons_comments_replies_and_flags(client):
    version = open_version()
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation)
    comment = submit(version=version, author=author, organisation=organisation, body="Mine.")
    services.reply_create(comment=comment, author=author, body="A reply of mine.")
    other = submit(version=version, author=representative_of(verified_organisation()))
    services.flag_create(comment=other, user=author, reason="Off topic.")

    data = privacy.personal_data(user=author)
    assert [c["reference"] for c in data["sections"]["comments"]] == [comment.reference]
    assert data["sections"]["comments"][0]["organisation"] == "Kumo AI"
    assert data["sections"]["replies"][0]["body"] == "A reply of mine."
    assert data["sections"]["flags"][0]["reason"] == "Off topic."
    assert other.body not in json.dumps(data)


def test_the_data_export_lists_the_persons_papers():
    version = open_version()
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation)
    comment = submit(version=version, author=author, organisation=organisation)
    services.attachments_add(
        comment=comment, user=author, files=[upload("Our paper.pdf", pdf_bytes())]
    )
    (paper,) = privacy.personal_data(user=author)["sections"]["attachments"]
    assert (paper["comment"], paper["file_name"], paper["kind"]) == (
        comment.reference,
        "Our paper.pdf",
        "pdf",
    )


def test_a_closed_account_leaves_its_comments_under_the_organisation_without_a_name(client):
    version = open_version()
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation)
    author.name = "Aiko Tanaka"
    author.save()
    author.set_password("a long enough passphrase")
    author.save()
    comment = submit(version=version, author=author, organisation=organisation)
    services.reply_create(comment=comment, author=author, body="Clarification.")
    privacy.account_close(user=author, password="a long enough passphrase")
    page = client.get(comment.get_absolute_url()).content.decode()
    assert "Kumo AI" in page and "Former participant" in page
    assert "Aiko Tanaka" not in page and "closed.invalid" not in page
