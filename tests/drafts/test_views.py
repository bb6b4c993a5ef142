import pytest
from django.urls import reverse

from drafts import services
from drafts.models import DraftVersion
from tests.conftest import login_with_two_factor
from tests.drafts.factories import make_draft, markdown_source, open_version, publish

pytestmark = pytest.mark.django_db
Status = DraftVersion.Status


def test_home_lists_published_consultations_with_time_left(client):
    open_version(title="HAIP Code", slug="haip")
    make_draft(title="Unpublished draft", slug="hidden")
    page = client.get("/").content.decode()
    assert "HAIP Code" in page
    assert "Open for comment" in page and "days left to comment (closes" in page
    assert "Unpublished draft" not in page


def test_draft_page_shows_every_line_numbered_with_anchors(client):
    version = open_version(sections=11, lines_per_section=2)
    page = client.get(version.get_absolute_url()).content.decode()
    for number in range(1, version.line_count + 1):
        assert f'id="L{number}"' in page
        assert f'href="#L{number}"' in page
    for action in range(1, 12):
        assert f'id="action-{action}"' in page
        assert f"{action}. Action number {action}" in page


def test_draft_address_shows_the_current_published_version(client):
    v1 = open_version()
    services.version_create(draft=v1.draft, created_by=None)
    response = client.get(reverse("drafts:draft_detail", args=[v1.draft.slug]))
    assert response.context["version"] == v1


def test_unpublished_versions_are_hidden_from_the_public(client, secretariat_user):
    v1 = open_version()
    v2 = services.version_create(draft=v1.draft, created_by=None)
    assert client.get(v2.get_absolute_url()).status_code == 404
    assert v2.get_absolute_url() not in client.get(v1.get_absolute_url()).content.decode()
    login_with_two_factor(client, secretariat_user)
    assert client.get(v2.get_absolute_url()).status_code == 200
    assert v2.get_absolute_url() in client.get(v1.get_absolute_url()).content.decode()


def test_version_switcher_and_changelog(client):
    v1 = open_version()
    v2 = services.version_create(
        draft=v1.draft, source=markdown_source(sections=4), created_by=None
    )
    publish(v2, changelog="Added **action 4**.")
    page = client.get(v2.get_absolute_url()).content.decode()
    assert 'aria-current="page"' in page
    assert v1.get_absolute_url() in page
    assert "Added <strong>action 4</strong>." in page


def _two_versions(lines_per_section: int = 3) -> tuple[DraftVersion, DraftVersion]:
    v1 = open_version(sections=3, lines_per_section=lines_per_section)
    source = v1.source.replace("measure 2 of action 1", "measure two of action one")
    source = source.replace("- Practice 3.3: organisations document measure 3 of action 3.\n", "")
    source += "\n## 4. A new action\n\n- Practice 4.1: something new.\n"
    v2 = services.version_create(draft=v1.draft, source=source, created_by=None)
    return v1, publish(v2, changelog="Edits.")


def test_compare_page_highlights_word_changes_and_collapses_unchanged_sections(client):
    v1, _v2 = _two_versions()
    url = reverse("drafts:compare", args=[v1.draft.slug]) + "?from=1&to=2"
    page = client.get(url).content.decode()
    assert "<del>2</del>" in page and "<ins>two</ins>" in page
    assert "<del>1</del>" in page and "<ins>one</ins>" in page
    assert '<details class="diff-section diff-unchanged" id="action-2" lang="en">' in page
    assert 'id="action-4"' in page and "badge-added" in page
    assert "Practice 3.3" in page and "row-delete" in page
    unified = client.get(url + "&layout=unified").content.decode()
    assert "diff-unified" in unified and "<ins>two</ins>" in unified


def test_compare_defaults_to_previous_and_current_version(client):
    v1, v2 = _two_versions()
    response = client.get(reverse("drafts:compare", args=[v1.draft.slug]))
    assert (response.context["old"], response.context["new"]) == (v1, v2)


@pytest.mark.parametrize("lines_per_section", [1, 400])
def test_draft_page_queries_do_not_grow_with_lines(
    client, django_assert_max_num_queries, lines_per_section
):
    version = open_version(sections=5, lines_per_section=lines_per_section)
    assert version.line_count >= 5 * lines_per_section
    with django_assert_max_num_queries(8):
        assert client.get(version.get_absolute_url()).status_code == 200


def test_draft_page_with_2000_lines_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    version = open_version(sections=20, lines_per_section=99)
    assert version.line_count == 2 + 20 * 100
    with django_assert_max_num_queries(8):
        page = client.get(version.get_absolute_url())
    assert page.content.decode().count('class="line ') == version.line_count


def test_compare_page_with_2000_lines_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    v1, v2 = _two_versions(lines_per_section=666)
    assert v2.line_count > 2000
    with django_assert_max_num_queries(8):
        assert client.get(reverse("drafts:compare", args=[v1.draft.slug])).status_code == 200


def test_an_unknown_draft_is_404(client):
    assert client.get("/drafts/nothing/").status_code == 404
    assert client.get("/drafts/nothing/compare/").status_code == 404


# --- The secretariat's desk -------------------------------------------------------------


def test_desk_pages_need_the_secretariat(client, stakeholder_user):
    urls = [
        reverse("drafts:desk"),
        reverse("drafts:draft_create"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to sign-in
    client.force_login(stakeholder_user)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("drafts:source_preview"), {"source": "x"}).status_code == 403


def test_secretariat_creates_previews_edits_and_publishes_a_draft(secretariat_client):
    response = secretariat_client.post(
        reverse("drafts:draft_create"),
        {"title": "New code", "slug": "new-code", "summary": "", "source": "## 1. A\n- one\n"},
    )
    assert response.status_code == 302
    version = DraftVersion.objects.get(draft__slug="new-code", number=1)
    assert version.line_count == 2

    preview = secretariat_client.post(
        reverse("drafts:source_preview"), {"source": "## 1. A\n- one\n- two\n"}
    )
    assert "3 numbered lines" in preview.content.decode()
    bad_preview = secretariat_client.post(reverse("drafts:source_preview"), {"source": "<p>x</p>"})
    assert bad_preview.status_code == 422
    assert "raw HTML" in bad_preview.content.decode()

    edit_url = reverse("drafts:version_edit", args=["new-code", 1])
    assert "Numbering preview" in secretariat_client.get(edit_url).content.decode()
    secretariat_client.post(edit_url, {"source": "## 1. A\n- one\n- two\n", "changelog": ""})
    version.refresh_from_db()
    assert version.line_count == 3

    publish_url = reverse("drafts:version_publish", args=["new-code", 1])
    assert secretariat_client.get(publish_url).status_code == 200
    response = secretariat_client.post(
        publish_url,
        {"opens_at": "2026-01-01T09:00", "closes_at": "2099-01-01T09:00", "changelog": "First."},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == Status.OPEN


def test_upload_of_a_non_utf8_file_is_refused_with_its_reason(secretariat_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = secretariat_client.post(
        reverse("drafts:draft_create"),
        {
            "title": "Bad",
            "slug": "bad",
            "upload": SimpleUploadedFile("bad.md", b"## 1. A\n\xff\xfe", "text/markdown"),
        },
    )
    assert response.status_code == 200
    assert "not valid UTF-8" in response.content.decode()
    assert not DraftVersion.objects.exists()


def test_publish_form_names_a_bad_period(secretariat_client):
    version = make_draft().versions.get()
    response = secretariat_client.post(
        reverse("drafts:version_publish", args=[version.draft.slug, 1]),
        {"opens_at": "2030-01-02T09:00", "closes_at": "2030-01-01T09:00", "changelog": ""},
    )
    assert "must close after it opens" in response.content.decode()
    version.refresh_from_db()
    assert version.status == Status.DRAFT


def test_desk_closes_a_period_with_csrf(secretariat_user):
    from django.test import Client

    version = open_version()
    csrf_client = Client(enforce_csrf_checks=True)
    login_with_two_factor(csrf_client, secretariat_user)
    url = reverse("drafts:version_close", args=[version.draft.slug, 1])
    assert csrf_client.post(url).status_code == 403
    version.refresh_from_db()
    assert version.status == Status.OPEN
    desk = csrf_client.get(reverse("drafts:desk"))
    token = desk.cookies["csrftoken"].value
    assert csrf_client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    version.refresh_from_db()
    assert version.status == Status.CLOSED
