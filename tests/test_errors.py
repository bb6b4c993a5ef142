import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from comments import services
from tests import typed_error_urls
from tests.accounts.factories import make_token, make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation

pytestmark = pytest.mark.django_db


def test_pages_that_do_not_exist_use_the_portal_layout(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and 'href="/"' in page and "<main" in page


def test_api_addresses_that_do_not_exist_answer_json(client):
    response = client.get("/api/v1/bulk-submissions/-1/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "errors": {}}


def test_refused_pages_say_why_in_the_portal_layout(client, stakeholder_user):
    client.force_login(stakeholder_user)
    response = client.get(reverse("drafts:desk"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only the secretariat manages drafts." in page and "<main" in page


def test_messages_are_announced_without_breaking_the_list(client, secretariat_client):
    secretariat_client.post(
        reverse("drafts:draft_create"),
        {"title": "X", "slug": "x", "summary": "", "source": "## 1. A\n- one\n"},
    )
    page = secretariat_client.get(reverse("drafts:version_edit", args=["x", 1])).content.decode()
    assert '<div role="status">' in page and '<ul class="messages">' in page


# --- The domain's typed errors on pages (haip_portal.exceptions, haip_portal.errors) -------

TYPED = "tests.typed_error_urls"


def _page(response) -> str:
    """The page as the user reads it, without the per-response nonce and token."""
    page = response.content.decode()
    return re.sub(r'(nonce|value)="[^"]*"', "", page)


@pytest.mark.urls(TYPED)
@pytest.mark.parametrize(
    ("kind", "django_kind", "status"),
    [("not-allowed", "django-permission-denied", 403), ("not-found", "django-http404", 404)],
)
def test_not_allowed_and_not_found_are_the_pages_of_djangos_own_403_and_404(
    client, stakeholder_user, kind, django_kind, status
):
    client.force_login(stakeholder_user)
    typed = client.get(f"/raise/{kind}/")
    django = client.get(f"/raise/{django_kind}/")
    assert typed.status_code == django.status_code == status
    assert _page(typed) == _page(django)
    says = typed_error_urls.MESSAGE in _page(typed)
    assert says == (status == 403)  # a 404 tells nothing about what is not there


@pytest.mark.urls(TYPED)
@pytest.mark.parametrize(("kind", "status"), [("conflict", 409), ("invalid", 422)])
def test_any_other_refusal_no_view_showed_is_the_page_of_its_status_not_a_500(client, kind, status):
    response = client.get(f"/raise/{kind}/")
    assert response.status_code == status
    page = _page(response)
    assert typed_error_urls.MESSAGE in page and "<main" in page


@pytest.mark.urls(TYPED)
@pytest.mark.parametrize(
    ("kind", "status"),
    [("invalid", 200), ("conflict", 200), ("not-allowed", 403), ("not-found", 404)],
)
def test_a_form_shows_a_refusal_beside_its_field_unless_it_has_a_page_of_its_own(
    client, kind, status
):
    response = client.post(f"/form/{kind}/", {"name": "x"})
    assert response.status_code == status
    if status == 200:  # the form page, with the message beside the field it names
        assert response.context["message"] == {"name": [typed_error_urls.MESSAGE]}


@pytest.mark.urls(TYPED)
@pytest.mark.parametrize(
    ("kind", "status"),
    [("invalid", 302), ("conflict", 302), ("not-allowed", 403), ("not-found", 404)],
)
def test_an_action_reports_a_refusal_on_the_next_page_unless_it_has_a_page_of_its_own(
    client, kind, status
):
    response = client.get(f"/message/{kind}/")
    assert response.status_code == status
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert shown == ([typed_error_urls.MESSAGE] if status == 302 else [])


def test_a_reply_under_a_reply_of_another_comment_is_the_404_page(client):
    version = open_version(sections=1, lines_per_section=3)
    author = representative_of(verified_organisation(name="Kumo AI"))
    comment, other = submit(version=version, author=author), submit(version=version, author=author)
    elsewhere = services.reply_create(comment=other, author=author, body="Elsewhere.")
    client.force_login(author)
    url = reverse("comments:reply_create", args=[comment.reference])
    response = client.post(url, {"body": "Misplaced.", "parent": elsewhere.pk})
    assert response.status_code == 404 and "Page not found" in response.content.decode()
    assert not comment.replies.exists()
    answer = client.post(url, {"body": "In its place."})
    assert answer.status_code == 302 and comment.replies.count() == 1


def test_revoking_another_persons_token_is_the_404_page(client):
    token, _raw = make_token()
    client.force_login(make_user())
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404 and "Page not found" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
