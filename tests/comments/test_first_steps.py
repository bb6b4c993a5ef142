"""The first-steps panel on the home page: a participant who has not commented yet reads whom
they can file for, a link to the draft open for comment and how to comment on a line, until
they file a comment or hide the panel."""

import pytest
from django.urls import reverse

from accounts import privacy
from accounts import services as account_services
from tests.accounts.factories import make_organisation, make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation

pytestmark = pytest.mark.django_db

HEADING = "First steps"


def _home(client) -> str:
    return client.get(reverse("drafts:home")).content.decode()


def _panel(page: str) -> str:
    return page.split('<section class="first-steps"')[1].split("</section>")[0]


def test_a_new_participant_reads_the_three_first_steps(client):
    version = open_version(slug="haip", title="HAIP Code")
    client.force_login(make_user())
    panel = _panel(_home(client))
    assert "Choose whom you file for" in panel
    assert f'href="{reverse("accounts:organisation_register")}"' in panel
    assert f'href="{reverse("accounts:organisation_join")}"' in panel
    assert "Open the current draft" in panel
    assert f'<a href="{version.get_absolute_url()}">Read HAIP Code, version 1</a>' in panel
    assert "Comment on a line" in panel
    assert f'action="{reverse("comments:first_steps_dismiss")}"' in panel
    assert "csrfmiddlewaretoken" in panel


def test_a_representative_is_told_whom_they_file_for(client):
    open_version()
    organisation = verified_organisation(name="Kumo AI")
    client.force_login(representative_of(organisation))
    panel = _panel(_home(client))
    assert "You may file for Kumo AI or as yourself" in panel
    assert reverse("accounts:organisation_register") not in panel


def test_a_pending_organisation_is_explained(client):
    user = make_user()
    make_organisation(admin=user, name="Waiting Lab")
    client.force_login(user)
    panel = _panel(_home(client))
    assert "Waiting Lab is waiting for the secretariat's verification" in panel
    assert "No draft is open for comment just now" in panel


def test_the_panel_is_gone_once_the_participant_has_filed_a_comment(client):
    version = open_version()
    user = make_user()
    client.force_login(user)
    assert HEADING in _home(client)
    submit(version=version, author=user)
    assert HEADING not in _home(client)


def test_hiding_the_panel_keeps_it_hidden(client):
    open_version()
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("comments:first_steps_dismiss"), follow=True)
    assert response.redirect_chain == [(reverse("drafts:home"), 302)]
    page = response.content.decode()
    assert HEADING not in page and "The first steps are hidden." in page
    user.refresh_from_db()
    assert user.first_steps_dismissed_at is not None
    client.logout()
    client.force_login(user)
    assert HEADING not in _home(client)


def test_a_second_dismissal_keeps_the_first_date_which_the_personal_data_export_holds():
    user = make_user()
    assert privacy.personal_data(user=user)["sections"]["account"]["first_steps_hidden_at"] is None
    first = account_services.first_steps_dismiss(user=user).first_steps_dismissed_at
    assert first is not None
    assert account_services.first_steps_dismiss(user=user).first_steps_dismissed_at == first
    exported = privacy.personal_data(user=user)["sections"]["account"]
    assert exported["first_steps_hidden_at"] == first.isoformat()


def test_visitors_and_the_secretariat_do_not_see_it(client, secretariat_client):
    open_version()
    assert HEADING not in _home(client)
    assert HEADING not in _home(secretariat_client)


def test_hiding_needs_a_signed_in_post(client):
    url = reverse("comments:first_steps_dismiss")
    assert client.post(url).status_code == 302  # to the sign-in page
    client.force_login(make_user())
    assert client.get(url).status_code == 405
