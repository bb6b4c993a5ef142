""" "File as" in the comment form: the verified organisation the person represents is the
default; an organisation still waiting for verification is named where it would be offered."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.accounts.factories import add_member, make_organisation, make_user
from tests.comments.factories import open_version, representative_of, verified_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return open_version()


def _form(client, version) -> str:
    page = client.get(reverse("comments:comment_create", args=[version.draft.slug, 1]))
    return page.content.decode().split('name="organisation"')[1].split("</div>")[0]


def _selected(form: str) -> str:
    return form.split(" selected>")[0].rsplit('value="', 1)[1].split('"')[0]


def test_a_representative_files_as_their_organisation_by_default(client, version):
    user = representative_of(verified_organisation(name="Kumo AI"))
    client.force_login(user)
    form = _form(client, version)
    assert _selected(form) == "kumo-ai"
    assert "Myself (" in form  # still offered
    assert "waiting for verification" not in form


def test_an_administrator_files_as_their_organisation_by_default(client, version):
    admin = make_user()
    organisation = make_organisation(admin=admin, name="Kumo AI", verified=True)
    client.force_login(admin)
    assert _selected(_form(client, version)) == organisation.slug


def test_someone_who_represents_nobody_files_as_themselves(client, version):
    member = make_user()
    add_member(verified_organisation(name="Kumo AI"), member, role=Membership.Role.MEMBER)
    client.force_login(member)
    form = _form(client, version)
    assert " selected>" not in form or _selected(form) == ""
    assert "kumo-ai" not in form


def test_a_pending_organisation_is_explained(client, version):
    admin = make_user()
    make_organisation(admin=admin, name="Kumo AI")
    client.force_login(admin)
    form = _form(client, version)
    assert "kumo-ai" not in form
    assert (
        "Kumo AI is waiting for verification by the secretariat; until then you file as "
        "yourself." in form
    )
    assert 'aria-describedby="id_organisation_helptext"' in form


def test_two_pending_organisations_are_named_together(client, version):
    admin = make_user()
    make_organisation(admin=admin, name="Kumo AI")
    make_organisation(admin=admin, name="Tsuki Labs")
    add_member(verified_organisation(name="Beta Corp"), admin, role=Membership.Role.REPRESENTATIVE)
    client.force_login(admin)
    form = _form(client, version)
    assert _selected(form) == "beta-corp"
    assert "Kumo AI and Tsuki Labs are waiting for verification by the secretariat" in form
