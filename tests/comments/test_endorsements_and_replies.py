"""Endorsements are counted where comments are read (the comment, the lists, the draft's
gutter) and a representative can take one back; replies are shown under the organisation the
person spoke for, and never show anything of their e-mail address."""

import itertools
import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken
from comments import services
from comments.models import Comment, Endorsement, Reply
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_organisation, make_token, make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return open_version(slug="haip", sections=2, lines_per_section=4)


@pytest.fixture
def comment(version):
    author = representative_of(verified_organisation(name="Kumo AI"))
    return submit(
        version=version, author=author, organisation=author.memberships.get().organisation
    )


def _endorse(comment: Comment, name: str):
    organisation = verified_organisation(name=name)
    user = representative_of(organisation)
    services.endorsement_create(comment=comment, user=user, organisation=organisation)
    return organisation, user


# --- Counted where comments are read ---------------------------------------------------------


def test_endorsements_are_counted_on_the_comment_in_the_lists_and_in_the_gutter(
    client, version, comment
):
    for name in ("Aoi University", "Civic Lab"):
        _endorse(comment, name)
    page = client.get(comment.get_absolute_url()).content.decode()
    assert "Endorsed by 2 organisations" in page
    listing = client.get(reverse("comments:version_comments", args=["haip", 1])).content.decode()
    assert "Endorsed by 2 organisations" in listing
    draft = client.get(version.get_absolute_url()).content.decode()
    assert f"1 comment with 2 endorsements on line {comment.line_start}" in draft


def test_the_gutter_counts_no_endorsement_of_a_comment_the_reader_may_not_see(
    client, version, comment, secretariat_user
):
    _endorse(comment, "Aoi University")
    services.comment_hide(
        comment=comment, moderator=secretariat_user, reason="Off-topic advertising."
    )
    draft = client.get(version.get_absolute_url()).content.decode()
    assert "endorsement" not in draft


# --- Withdrawn by a representative -----------------------------------------------------------


def test_a_representative_takes_the_endorsement_back_from_the_page(client, comment):
    organisation, user = _endorse(comment, "Aoi University")
    client.force_login(user)
    page = client.get(comment.get_absolute_url()).content.decode()
    assert "Withdraw the endorsement of Aoi University" in page
    response = client.post(
        reverse("comments:endorsement_withdraw", args=[comment.reference]),
        {"organisation": organisation.pk},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"Aoi University no longer endorses {comment.reference}."
    ]
    assert not Endorsement.objects.exists()
    assert "Endorse for Aoi University" in response.content.decode()  # may endorse again


def test_only_a_representative_may_take_an_endorsement_back(client, comment):
    organisation, _ = _endorse(comment, "Aoi University")
    client.force_login(make_user())
    response = client.post(
        reverse("comments:endorsement_withdraw", args=[comment.reference]),
        {"organisation": organisation.pk},
    )
    assert response.status_code == 403
    assert "You do not represent Aoi University." in response.content.decode()
    assert Endorsement.objects.count() == 1


def test_taking_back_an_endorsement_that_was_never_given_names_the_mistake(comment):
    organisation = verified_organisation(name="Aoi University")
    user = representative_of(organisation)
    with pytest.raises(ApplicationError) as error:
        services.endorsement_withdraw(comment=comment, user=user, organisation=organisation)
    assert error.value.message == f"Aoi University does not endorse {comment.reference}."


def test_the_api_takes_an_endorsement_back_with_a_write_token_only(client, comment):
    organisation, user = _endorse(comment, "Aoi University")
    url = reverse("comments_api:comment_endorsement", args=[comment.reference, organisation.slug])
    _, read_only = make_token(user=user, scopes=(ApiToken.Scope.COMMENTS_READ,))
    refused = client.delete(url, headers={"Authorization": f"Bearer {read_only}"})
    assert refused.status_code == 403
    assert Endorsement.objects.count() == 1
    _, writer = make_token(
        user=user, scopes=(ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
    )
    response = client.delete(url, headers={"Authorization": f"Bearer {writer}"})
    assert response.status_code == 200, response.content
    assert response.json()["endorsements"] == 0
    assert not Endorsement.objects.exists()
    again = client.delete(url, headers={"Authorization": f"Bearer {writer}"})
    assert again.status_code == 422
    assert "does not endorse" in json.dumps(again.json())


# --- Replies are attributed to the organisation ----------------------------------------------


def test_a_reply_defaults_to_the_organisation_the_person_represents(client, comment):
    organisation = verified_organisation(name="Aoi University")
    user = representative_of(organisation, make_user(name="Ana Silva"))
    client.force_login(user)
    page = client.get(comment.get_absolute_url()).content.decode()
    assert f'<option value="{organisation.pk}" selected>Aoi University</option>' in page
    client.post(
        reverse("comments:reply_create", args=[comment.reference]),
        {"body": "We agree.", "organisation": organisation.pk},
    )
    reply = Reply.objects.get()
    assert reply.organisation == organisation
    client.logout()
    assert "Ana Silva, Aoi University" in client.get(comment.get_absolute_url()).content.decode()


def test_a_reply_for_an_organisation_not_yet_verified_is_refused_with_the_reason(comment):
    pending = make_organisation(name="Pending Lab")
    user = pending.memberships.get().user
    with pytest.raises(ApplicationError) as error:
        services.reply_create(comment=comment, author=user, body="Hello.", organisation=pending)
    assert "Pending Lab is not verified yet" in error.value.message
    assert not Reply.objects.exists()


def test_a_reply_for_an_organisation_one_does_not_represent_is_refused(comment):
    organisation = verified_organisation(name="Aoi University")
    with pytest.raises(ApplicationError) as error:
        services.reply_create(
            comment=comment, author=make_user(), body="Hello.", organisation=organisation
        )
    assert "You do not represent Aoi University" in error.value.message
    assert not Reply.objects.exists()


_examples = itertools.count()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    local=st.text(alphabet="bcdfghjkmnpqrstvwxz", min_size=10, max_size=24),
    as_organisation=st.booleans(),
)
def test_no_page_or_api_answer_shows_anything_of_a_repliers_address(
    client, secretariat_user, comment, local, as_organisation
):
    """Whether the person replies as themselves or for an organisation, with no name given:
    anonymous readers, other participants, the API and the secretariat see no part of it."""
    example = next(_examples)
    user = make_user(email=f"{local}{example}@example.org")
    organisation = None
    if as_organisation:
        organisation = verified_organisation(name=f"Civic Lab {example}")
        representative_of(organisation, user)
    services.reply_create(comment=comment, author=user, body="Noted.", organisation=organisation)
    api = client.get(reverse("comments_api:comment_detail", args=[comment.reference]))
    assert api.status_code == 200
    seen = [client.get(comment.get_absolute_url()).content.decode(), api.content.decode()]
    client.force_login(make_user())
    seen.append(client.get(comment.get_absolute_url()).content.decode())
    login_with_two_factor(client, secretariat_user)
    seen.append(client.get(comment.get_absolute_url()).content.decode())
    client.logout()
    for text in seen:
        assert local not in text
    assert ("Civic Lab" if as_organisation else "Registered participant") in seen[0]
