"""When a version is published, each person who commented on the one before gets one e-mail:
what became of their comments in the new text and how they were answered, with a link to see
them and a link that turns these e-mails off."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEntry
from comments import services, tasks
from comments.models import VersionNotice
from drafts import services as draft_services
from tests.accounts.factories import make_user
from tests.comments.factories import representative_of, submit, verified_organisation
from tests.comments.services.test_carry import V1, V2
from tests.drafts.factories import open_version, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1():
    return open_version(source=V1)


def _person(name: str, **extra):
    organisation = verified_organisation(name=name)
    return representative_of(
        organisation, make_user(f"{name.split()[0].lower()}@example.org", **extra)
    ), organisation


def _publish_v2(v1, capture):
    v2 = draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    mail.outbox.clear()
    with capture(execute=True):
        publish(v2)
    return v2


def test_each_commenter_gets_one_email_with_what_became_of_their_comments(
    v1, secretariat_user, django_capture_on_commit_callbacks
):
    ana, kumo = _person("Ana Kumo")
    ben, aoi = _person("Ben Aoi")
    off, civic = _person("Off Civic", notify_new_versions=False)
    dan, lab = _person("Dan Lab")
    kept = submit(version=v1, author=ana, organisation=kumo, line_start=5)
    submit(version=v1, author=ana, organisation=kumo, line_start=8)  # its line is deleted
    submit(version=v1, author=ben, organisation=aoi, line_start=4)  # its line is reworded
    submit(version=v1, author=off, organisation=civic, line_start=5)
    withdrawn = submit(version=v1, author=dan, organisation=lab, line_start=5)
    services.comment_withdraw(comment=withdrawn, user=dan)
    services.comment_dispose(
        comments=[kept], user=secretariat_user, outcome="accepted", response="Done in v2."
    )

    v2 = _publish_v2(v1, django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
    ]
    to_ana = next(message for message in mail.outbox if message.to == ["ana@example.org"])
    assert to_ana.subject == f"[HAIP Consultation] {v2}: what became of your comments"
    body = to_ana.body
    assert "your 2 comments" in body
    assert "- Kept: 1\n" in body and "- Text removed: 1\n" in body
    assert "- Accepted: 1\n" in body and "- Not answered yet: 1\n" in body
    assert f"{v2.get_absolute_url()}#carried" in body
    to_ben = next(message for message in mail.outbox if message.to == ["ben@example.org"])
    assert "your 1 comment." in to_ben.body and "- Text rewritten: 1\n" in to_ben.body
    assert VersionNotice.objects.filter(version=v2).count() == 2


def test_a_notice_goes_out_once_whatever_the_retries(v1, django_capture_on_commit_callbacks):
    ana, kumo = _person("Ana Kumo")
    submit(version=v1, author=ana, organisation=kumo, line_start=5)
    v2 = _publish_v2(v1, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    tasks.send_version_notices.apply(args=(v2.pk,))
    tasks.send_version_notice.apply(args=(v2.pk, ana.pk))
    assert len(mail.outbox) == 1


def test_the_link_in_the_email_turns_them_off_without_signing_in(
    client, v1, django_capture_on_commit_callbacks
):
    ana, kumo = _person("Ana Kumo")
    submit(version=v1, author=ana, organisation=kumo, line_start=5)
    _publish_v2(v1, django_capture_on_commit_callbacks)
    found = re.search(r"https?://\S+/account/notices/\?token=\S+", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert (
        page.status_code == 200
        and "These e-mails are now <strong>on</strong>" in page.content.decode()
    )
    token = page.context["token"]
    response = client.post(
        reverse("accounts:version_notices"), {"token": token, "notify": "off"}, follow=True
    )
    assert "You will no longer be e-mailed about new versions." in response.content.decode()
    ana.refresh_from_db()
    assert ana.notify_new_versions is False
    assert AuditEntry.objects.filter(action="account.notices_off", actor=ana).exists()


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJhIjoxfQ:1abc:forged"])
def test_a_bad_link_is_refused_with_a_message_and_changes_nothing(client, token):
    someone = make_user()
    response = client.post(reverse("accounts:version_notices"), {"token": token, "notify": "off"})
    if token:
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    else:  # no token and not signed in: sign in first
        assert response.status_code == 302 and "login" in response["Location"]
    someone.refresh_from_db()
    assert someone.notify_new_versions is True


def test_a_signed_in_person_turns_them_back_on(client):
    person = make_user(notify_new_versions=False)
    client.force_login(person)
    client.post(reverse("accounts:version_notices"), {"notify": "on"})
    person.refresh_from_db()
    assert person.notify_new_versions is True
