"""A newcomer's first steps in a real browser: after signing up and confirming the e-mail,
the home page tells them whom they can file for, links the draft open for comment and says how
to comment on a line, until they hide it. axe finds no violation on the pages visited, at
1280 px and 375 px; their screenshots at both widths are saved under test-results/."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.comments.factories import open_version
from tests.e2e.test_accounts import PASSPHRASE, _confirmation_link
from tests.e2e.test_reading_on_phones import DESKTOP, check_at_both_widths

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_newcomer_sees_the_first_steps_after_confirming_and_can_hide_them(
    live_server, page: Page, screenshot
):
    version = open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)
    email = "kenji@example.org"
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSPHRASE)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(PASSPHRASE)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Verify"))
    assert mail.outbox[-1].to == [email]
    page.goto(_confirmation_link())
    page.get_by_role("button", name="Confirm").click()

    # Confirming signs the person in and brings them to the home page.
    expect(page).to_have_url(f"{live_server.url}/")
    steps = page.get_by_role("region", name="First steps")
    expect(steps).to_be_visible()
    expect(steps.get_by_role("heading", level=3)).to_have_text(
        ["Choose whom you file for", "Open the current draft", "Comment on a line"]
    )
    expect(steps.get_by_role("link", name="Register an organisation")).to_be_visible()
    expect(steps.get_by_role("link", name="Join an organisation")).to_be_visible()
    check_at_both_widths(page, screenshot, "home-first-steps")

    page.set_viewport_size(DESKTOP)
    steps.get_by_role("link", name="Read HAIP Code, version 1").click()
    expect(page).to_have_url(f"{live_server.url}{version.get_absolute_url()}")
    page.go_back()

    steps.get_by_role("button", name="Hide these first steps").click()
    expect(page.get_by_role("status")).to_contain_text("The first steps are hidden.")
    expect(page.get_by_role("region", name="First steps")).to_have_count(0)
    check_at_both_widths(page, screenshot, "home-first-steps-hidden")
    page.reload()
    expect(page.get_by_role("region", name="First steps")).to_have_count(0)
    assert User.objects.get(email=email).first_steps_dismissed_at is not None
