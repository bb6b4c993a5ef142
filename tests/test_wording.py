"""Small things of the portal's wording and pages: punctuation never doubled in texts built
from names, no "(s)" plurals, a favicon, allauth's pages in the portal's words, and an API
documentation page with a language, a main landmark and a level-one heading."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

from haip_portal.site import site_url
from haip_portal.wording import clause, sentence
from tests.comments.factories import representative_of, submit, verified_organisation
from tests.drafts.factories import make_draft, publish

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3. Report to stakeholders.", "3. Report to stakeholders"),
        ("Kumo Inc. ", "Kumo Inc"),
        ("Scope:", "Scope"),
        ("Action 1", "Action 1"),
        ("Why?", "Why?"),
    ],
)
def test_a_clause_drops_the_punctuation_that_would_be_doubled(text, expected):
    assert clause(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Kumo AI", "Kumo AI."), ("Kumo Inc.", "Kumo Inc."), ("Really?", "Really?"), ("So…", "So…")],
)
def test_a_sentence_ends_with_one_full_stop(text, expected):
    assert sentence(text) == expected


@pytest.mark.django_db
def test_an_anchor_on_a_heading_ending_with_a_full_stop_reads_once(client):
    source = (
        "# Code\n\n## 1. Publicly report to stakeholders.\n\n- Organisations publish a report.\n"
    )
    version = publish(make_draft(slug="code", source=source).versions.get(number=1))
    comment = submit(
        version=version, author=representative_of(verified_organisation()), line_start=3
    )
    page = client.get(reverse("comments:version_comments", args=["code", 1])).content.decode()
    assert "Publicly report to stakeholders, line 3" in page
    assert comment.reference in page and "stakeholders.," not in page


def _portal_sources():
    for folder in ("templates", "accounts", "comments", "drafts", "haip_portal"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".html", ".txt", ".py"} and "migrations" not in path.parts:
                yield path


def test_no_plural_is_written_as_s_in_brackets():
    """Counts use pluralize or ngettext; the one "(s)" left is the ISO template's column
    heading "Line(s)" of the comment matrix, which its readers' spreadsheets expect."""
    found = [
        f"{path.relative_to(ROOT)}: {match}"
        for path in _portal_sources()
        for match in re.findall(r"\w+\(s\)", path.read_text(encoding="utf-8"))
        if match != "Line(s)"
    ]
    assert found == []


@pytest.mark.django_db
def test_every_page_has_the_favicon(client):
    page = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/img/favicon\.svg[^"]*"', page)
    assert finders.find("img/favicon.svg")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/signup/", "/accounts/login/"])
def test_allauth_pages_say_register(client, url):
    page = client.get(url).content.decode()
    assert "Register" in page
    assert not re.search(r"sign ?up", page.replace("/signup/", ""), re.IGNORECASE)


@pytest.mark.django_db
def test_the_registration_page_is_headed_register(client):
    page = client.get("/accounts/signup/").content.decode()
    assert re.search(r"<h1[^>]*>\s*Register\s*</h1>", page)
    assert re.search(r'<button[^>]*type="submit"[^>]*>\s*Register\s*</button>', page)


def test_the_api_documentation_has_a_language_and_a_main_landmark(client):
    """Its level-one heading is the API's title, drawn by Swagger UI inside the landmark
    (checked with axe in tests/e2e/test_moderation.py)."""
    page = client.get(reverse("api_docs")).content.decode()
    assert '<html lang="en">' in page
    assert page.count("<main") == 1
    assert page.index("<main") < page.index('<div id="swagger-ui">') < page.index("</main>")


@override_settings(SITE_URL="https://consult.example.org/")
def test_outside_a_request_links_start_with_site_url():
    assert site_url("/comments/mine/") == "https://consult.example.org/comments/mine/"
