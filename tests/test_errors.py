import pytest
from django.urls import reverse

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
