"""The portal's main pages under its Content-Security-Policy in a real browser: their scripts
run, their style sheets apply, and the browser reports no violation (the ``csp_violations``
fixture of conftest.py fails any browser test that meets one)."""

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from comments.digests import services as digest_services
from comments.digests.models import Digest
from drafts import services as draft_services
from tests.comments.factories import representative_of, submit, verified_organisation
from tests.drafts.factories import open_version
from tests.e2e.test_comments import person, secretariat_member, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _events(page: Page, violations: list, *, at_least: int) -> list[dict]:
    """Wait (up to 5 s) until the page has sent ``at_least`` ``securitypolicyviolation``
    events (the console reports the same violations on its own)."""
    events: list[dict] = []
    for _ in range(50):
        events = [report for report in violations if "directive" in report]
        if len(events) >= at_least:
            break
        page.wait_for_timeout(100)
    return events


def _styled(page: Page) -> None:
    """The portal's style sheet applies: the skip link waits off-screen."""
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == (
        "absolute"
    )


def test_the_browser_refuses_inline_script_and_style_and_the_test_hears_of_it(
    live_server, page: Page, csp_violations
):
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
            document.body.setAttribute("style", "background: rgb(255, 0, 0)");
        }"""
    )
    events = _events(page, csp_violations, at_least=2)
    assert page.evaluate("() => window.injected === undefined")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    assert {event["directive"] for event in events} == {"script-src-elem", "style-src-attr"}
    assert any("Content Security Policy" in report.get("console", "") for report in csp_violations)
    csp_violations.clear()  # these two were provoked on purpose


def test_the_main_pages_run_under_the_policy(live_server, page: Page, screenshot):
    version = open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Open Rights")
    author = representative_of(organisation)
    submit(version=version, author=author, organisation=organisation, line_start=3)
    submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=5,
        body="Confidential note.",
        visibility="confidential",
    )
    draft_services.version_create(draft=version.draft, source=None, created_by=None)
    secretariat, secret = secretariat_member()
    # Built in this process as soon as it is asked for (tasks run eagerly in the tests).
    digest = digest_services.digest_request(user=secretariat, version=version, audience="public")
    digest.refresh_from_db()
    assert digest.status == Digest.Status.READY, digest.error
    url = live_server.url

    # Anyone: the consultation, its comments, a digest with its charts, the API documentation.
    page.goto(f"{url}/")
    _styled(page)
    page.get_by_role("link", name="HAIP Code").click()
    expect(page.locator(".line")).to_have_count(version.line_count)
    page.goto(f"{url}/drafts/haip/v1/comments/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{url}/drafts/haip/compare/")
    page.goto(f"{url}{digest.get_absolute_url()}")
    expect(page.locator(".digest-chart svg").first).to_be_visible()
    width = "document.querySelector('.digest-chart svg').getBoundingClientRect().width"
    assert 0 < page.evaluate(width) <= 680  # portal.css, not a style attribute, sizes it
    screenshot("digest-page")
    page.goto(f"{url}/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    screenshot("api-docs")
    page.goto(f"{url}/no/such/page/")
    page.goto(f"{url}/accounts/signup/")
    _styled(page)

    # A stakeholder: the draft page's comment panel, an API token, the two-factor set-up.
    stakeholder = person("rep@kumo.example")
    representative_of(verified_organisation(name="Kumo AI"), stakeholder)
    sign_in(page, url, stakeholder)
    page.goto(f"{url}/drafts/haip/v1/")
    page.get_by_role("link", name="Line 3", exact=True).click()
    expect(page.locator("#anchor-citation")).to_contain_text("line 3")  # anchor.js ran
    page.goto(f"{url}/account/tokens/new/")
    page.get_by_label("Name").fill("Ministry script")
    page.get_by_label("Read comments").check()
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Your new token")
    expect(token).to_be_visible()
    page.wait_for_load_state("load")  # the deferred script has run
    token.focus()
    # select-on-focus.js selects the whole token, ready to copy.
    page.wait_for_function(
        "() => { const f = document.getElementById('new-token');"
        " return f.selectionStart === 0 && f.selectionEnd === f.value.length; }",
        timeout=5_000,
    )
    page.goto(f"{url}/accounts/email/")  # allauth's own scripts and their JSON data block
    expect(page.get_by_role("heading", name="Email Addresses")).to_be_visible()
    page.goto(f"{url}/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_label("Password").press("Enter")
    qr = page.get_by_role("img").first
    expect(qr).to_be_visible()
    assert page.evaluate("document.querySelector('img').naturalWidth") > 0  # a data: image
    screenshot("totp-activate")
    sign_out(page)

    # The secretariat: the desk, the live numbering preview, the matrix, the admin.
    sign_in(page, url, secretariat, totp_secret=secret)
    page.goto(f"{url}/secretariat/")
    page.goto(f"{url}/secretariat/drafts/haip/v2/edit/")
    page.get_by_label("Markdown text").fill("## 1. A new action\n- A brand new practice\n")
    expect(page.locator("#preview")).to_contain_text("A brand new practice")  # fetched
    page.goto(f"{url}/secretariat/drafts/haip/v1/matrix/")
    page.goto(f"{url}/secretariat/moderation/")
    page.goto(f"{url}/secretariat/organisations/")
    page.goto(f"{url}/admin/")
    expect(page.locator("#header")).to_be_visible()
    screenshot("admin")
