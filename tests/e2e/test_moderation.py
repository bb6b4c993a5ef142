"""The secretariat moderates in a real browser: it opens the moderation queue from the
navigation, where the number of reports waiting is shown, reads the reported comment and the
report, and dismisses it; axe finds no violation on the queue at desktop and phone widths.
The API documentation page has a language, a main landmark and a level-one heading."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import Page, expect

from comments import services
from comments.models import Flag
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.e2e.test_comments import person, secretariat_member, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Sign-in rate limits live in the cache; each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


def violations(page: Page, label: str) -> list[tuple[str, str, list[str]]]:
    """Every axe violation on the page, as (rule, impact, targets); printed for the log."""
    response = Axe().run(page).response
    found = [
        (item["id"], item["impact"], [" ".join(map(str, n["target"])) for n in item["nodes"]])
        for item in response["violations"]
    ]
    print(f"\naxe {response['testEngine']['version']} on {label}: {found or 'no violation'}")
    return found


def test_the_secretariat_opens_moderation_from_the_navigation_and_dismisses_a_report(
    live_server, page: Page, screenshot
):
    version = open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)
    author = representative_of(verified_organisation(name="Kumo AI"), person("rep@kumo.example"))
    comment = submit(
        version=version, author=author, line_start=4, body="Red teams should be **independent**."
    )
    services.flag_create(comment=comment, user=make_user(), reason="Advertises a product.")
    secretariat, secret = secretariat_member()

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, secretariat, totp_secret=secret)
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=re.compile(r"^Moderation"))
    expect(link).to_have_accessible_name("Moderation 1 report waiting")
    link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation")
    item = page.get_by_role("article", name=comment.reference)
    expect(item).to_contain_text("Red teams should be independent.")
    expect(item.locator("strong")).to_have_text("independent")
    expect(item.get_by_role("heading", name="1 report")).to_be_visible()
    expect(item).to_contain_text("Advertises a product.")
    screenshot("moderation-queue-1280")
    wide = violations(page, "the moderation queue at 1280 px")

    page.set_viewport_size({"width": 375, "height": 800})
    screenshot("moderation-queue-375")
    narrow = violations(page, "the moderation queue at 375 px")

    item.get_by_label("Reason for dismissing").fill("A fair point about independence, not an ad.")
    item.get_by_role("button", name="Dismiss the report").click()

    expect(page).to_have_url(f"{live_server.url}/secretariat/moderation/")
    expect(page.get_by_role("status")).to_contain_text(
        f"The report on {comment.reference} is dismissed"
    )
    expect(page.get_by_text("Nothing reported.")).to_be_visible()
    expect(nav.get_by_role("link", name="Moderation", exact=True)).to_be_visible()
    screenshot("moderation-queue-after-dismissal-375")
    after = violations(page, "the emptied moderation queue at 375 px")

    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert wide == [] and narrow == [] and after == []


def test_the_api_documentation_passes_axe_on_language_landmark_and_heading(
    live_server, page: Page, screenshot
):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_contain_text(
        "HAIP Consultation Portal"
    )
    screenshot("api-docs")
    rules = ["html-has-lang", "landmark-one-main", "page-has-heading-one"]
    response = Axe().run(page, options={"runOnly": {"type": "rule", "values": rules}}).response
    assert sorted(item["id"] for item in response["passes"]) == sorted(rules)
    assert response["violations"] == []
