"""The applicant hears the secretariat's decision on their organisation by e-mail, once the
decision is committed; links in e-mails point to the site the request was made to, or to
SITE_URL where no request is served."""

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts import services
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_organisation, make_user
from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    return make_user("ada@kumo.example")


@pytest.fixture
def organisation(applicant):
    return make_organisation(admin=applicant, name="Kumo AI")


@override_settings(SITE_URL="https://consult.example.org/")
def test_verification_is_mailed_to_the_applicant(
    organisation, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_verify(organisation=organisation, actor=secretariat_user)
    (message,) = mailoutbox
    assert message.to == ["ada@kumo.example"]
    assert message.subject == "[HAIP Consultation] Kumo AI is verified"
    assert "The secretariat has verified Kumo AI." in message.body
    assert f"https://consult.example.org{organisation.get_absolute_url()}" in message.body


@override_settings(SITE_URL="https://consult.example.org")
def test_rejection_is_mailed_with_its_reason(
    organisation, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_reject(
            organisation=organisation, actor=secretariat_user, reason="No such company & Co."
        )
    (message,) = mailoutbox
    assert message.to == ["ada@kumo.example"]
    assert message.subject == "[HAIP Consultation] Kumo AI was not verified"
    assert "Reason: No such company & Co." in message.body  # a text e-mail escapes nothing
    assert "https://consult.example.org/organisations/register/" in message.body


def test_the_e_mail_waits_for_the_commit(organisation, secretariat_user, mailoutbox):
    services.organisation_verify(organisation=organisation, actor=secretariat_user)
    assert mailoutbox == []  # the test's transaction never commits


def test_a_refused_decision_mails_nothing(
    organisation, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ApplicationError),
    ):
        services.organisation_reject(organisation=organisation, actor=secretariat_user, reason=" ")
    assert callbacks == [] and mailoutbox == []


@pytest.mark.django_db(transaction=True)  # commits as a served request does
@override_settings(SITE_URL="http://127.0.0.1:8000", ALLOWED_HOSTS=["portal.test"])
def test_a_decision_taken_on_a_page_links_to_the_host_it_was_taken_on(
    client, organisation, secretariat_user, mailoutbox
):
    login_with_two_factor(client, secretariat_user)
    client.post(
        reverse("accounts:organisation_verify", args=[organisation.slug]),
        HTTP_HOST="portal.test:8123",
    )
    (message,) = mailoutbox
    assert f"http://portal.test:8123{organisation.get_absolute_url()}" in message.body
    assert ":8000" not in message.body
