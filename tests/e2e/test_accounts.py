"""Signing up, verifying the address, registering an organisation, and the secretariat's queue
refused to stakeholders, in a real browser."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db(transaction=True)

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    """allauth counts sign-ups and sign-ins in the cache; start every test from zero."""
    cache.clear()
    yield
    cache.clear()


def _confirmation_link() -> str:
    assert mail.outbox, "no verification e-mail was sent"
    body = str(mail.outbox[-1].body)
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+", body)
    assert match, body
    return match.group(0)


def test_stakeholder_signs_up_verifies_and_registers_an_organisation(
    live_server, page: Page, screenshot
):
    email = "ana@ministry.example"

    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))

    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSPHRASE)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(PASSPHRASE)
    screenshot("01-sign-up-form")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Verify"))
    assert mail.outbox[-1].to == [email]

    page.goto(_confirmation_link())
    expect(page.get_by_role("heading", name="Confirm Email Address")).to_be_visible()
    expect(page.get_by_text(email).first).to_be_visible()
    screenshot("02-confirmation-page")
    page.get_by_role("button", name="Confirm").click()

    # Confirming in the browser that signed up signs the person in.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    expect(nav.get_by_role("link", name="Register")).to_have_count(0)

    nav.get_by_role("link", name="My organisations").click()
    expect(page.get_by_role("heading", name="My organisations", level=1)).to_be_visible()
    page.get_by_role("link", name="Register an organisation").click()
    expect(page.get_by_role("heading", name="Register an organisation", level=1)).to_be_visible()

    page.get_by_label("Organisation name").fill("Ministry of Digital Affairs")
    page.get_by_label("Stakeholder type").select_option(label="Government or public authority")
    page.get_by_label("Country").select_option(label="Japan")
    page.get_by_label("Website").fill("https://ministry.example")
    page.get_by_label("E-mail domain").fill("ministry.example")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", name="My organisations", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "Ministry of Digital Affairs is registered and pending verification"
    )
    table = page.get_by_role("table", name="Organisations you belong to or asked to join")
    row = table.get_by_role("row").filter(has_text="Ministry of Digital Affairs")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(1)).to_have_text("Government or public authority")
    expect(row.get_by_role("cell").nth(2)).to_have_text("Pending verification")
    expect(row.get_by_role("cell").nth(3)).to_have_text("Administrator")
    expect(row.get_by_role("cell").nth(4)).to_have_text("Approved")
    screenshot("03-pending-organisation")

    user = User.objects.get(email=email)
    assert user.check_password(PASSPHRASE)
    assert EmailAddress.objects.get(user=user, email=email).verified
    organisation = Organisation.objects.get(name="Ministry of Digital Affairs")
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.stakeholder_type == Organisation.StakeholderType.GOVERNMENT
    assert organisation.country == "JP"
    assert organisation.website == "https://ministry.example"
    assert organisation.email_domain == "ministry.example"
    assert organisation.created_by == user
    membership = Membership.objects.get(organisation=organisation)
    assert membership.user == user
    assert membership.role == Membership.Role.ADMIN
    assert membership.status == Membership.Status.APPROVED


def test_stakeholder_cannot_open_the_secretariat_queue(live_server, page: Page, screenshot):
    email = "sam@stakeholder.example"
    user = User.objects.create_user(email=email, password=PASSPHRASE)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)

    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    expect(nav.get_by_role("link", name="Organisations to verify")).to_have_count(0)

    response = page.goto(f"{live_server.url}{reverse('accounts:secretariat_queue')}")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_contain_text("403")
    screenshot("queue-forbidden")
