"""Reading a draft and comparing versions in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from drafts import services
from tests.drafts.factories import open_version, publish

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_follows_a_line_anchor_and_compares_versions(live_server, page: Page, screenshot):
    v1 = open_version(slug="haip", title="HAIP Code", sections=11, lines_per_section=2)
    source = v1.source.replace("measure 1 of action 3", "measure one of action three")
    publish(
        services.version_create(draft=v1.draft, source=source, created_by=None),
        changelog="Action 3 reworded.",
    )

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="HAIP Code").click()
    expect(page.get_by_role("heading", name="3. Action number 3")).to_be_visible()
    expect(page.locator(".line")).to_have_count(v1.line_count)

    page.get_by_role("link", name="Line 12", exact=True).click()
    assert page.url.endswith("#L12")
    expect(page.locator("#L12")).to_be_in_viewport()
    screenshot("draft-page")

    page.get_by_role("link", name="Compare versions").click()
    section = page.locator("section#action-3")
    expect(section.locator("del").first).to_have_text("1")
    expect(section.locator("ins").first).to_have_text("one")
    expect(page.locator("details#action-1")).not_to_have_attribute("open", "")
    screenshot("compare-page")
