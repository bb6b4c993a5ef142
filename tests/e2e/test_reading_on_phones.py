"""Commenting and reading comments where the reader is, on a phone (375 px, by touch) and on a
desktop (1280 px): tapping a line number opens the comment form under the line, tapping a
line's comment count opens its comments under it without reloading the page, the quoted
phrase stays marked in the text. axe runs on every page visited, at both widths, and finds no
violation; each page's screenshot at both widths is saved under test-results/.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import Page, ViewportSize, expect

from comments.anchoring import Quote
from comments.models import Comment
from drafts.models import Line
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.e2e.test_comments import PHRASE, person, secretariat_member, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = ViewportSize(width=375, height=812)
DESKTOP = ViewportSize(width=1280, height=900)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "has_touch": True}


@pytest.fixture
def version():
    return open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)


def axe_violations(page: Page, label: str) -> list[tuple[str, str, list[str]]]:
    """Every axe violation on the page, as (rule, impact, targets); printed for the log."""
    response = Axe().run(page).response
    found = [
        (v["id"], v["impact"], [" ".join(map(str, n["target"])) for n in v["nodes"]])
        for v in response["violations"]
    ]
    print(f"\naxe on {label}: {found or 'no violation'}")
    return found


def check_at_both_widths(page: Page, screenshot, name: str) -> None:
    """axe and a screenshot at 1280 px and at 375 px; leaves the page at 375 px."""
    for width, size in (("1280", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(size)
        screenshot(f"{name}-{width}")
        assert axe_violations(page, f"{name} at {width} px") == []
    page.set_viewport_size(PHONE)


def in_viewport(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not rendered"
    size = page.viewport_size
    assert size is not None
    # Within a pixel: a scrolled-to heading may sit a fraction of one above the top.
    assert box["y"] >= -1 and box["y"] + box["height"] <= size["height"], (box, size)
    assert box["x"] >= -1 and box["x"] + box["width"] <= size["width"], (box, size)


def test_a_comment_is_filed_at_375px_by_touch(live_server, page: Page, screenshot, version):
    organisation = verified_organisation(name="Kawasaki Robotics")
    author = representative_of(organisation, person("rep@kawasaki.example"))
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, author)
    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    check_at_both_widths(page, screenshot, "draft-page")

    number = page.locator("#L8 .ln")
    expect(number).to_have_attribute("aria-expanded", "false")
    number.tap()
    panel = page.locator("#line-panel")
    expect(panel).to_be_visible()
    expect(number).to_have_attribute("aria-expanded", "true")
    expect(number).to_have_attribute("aria-controls", "line-panel")
    expect(panel.locator("#comment-form")).to_be_visible()
    in_viewport(page, "#line-panel h3")
    in_viewport(page, "#id_line_start")
    # The whole form is taller than a phone's screen; it starts within it, under the line.
    form = page.locator("#comment-form").bounding_box()
    assert form is not None and 0 <= form["y"] < PHONE["height"] / 2, form
    assert form["x"] >= 0 and form["x"] + form["width"] <= PHONE["width"], form
    assert page.evaluate("() => !!document.activeElement.closest('#line-panel')")
    expect(page.locator("#anchor-citation")).to_contain_text("line 8")
    expect(page.get_by_label("From line")).to_have_value("8")
    screenshot("form-under-line-8-375")

    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(number).to_be_focused()
    expect(number).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".comment-panel #comment-form")).to_have_count(1)

    page.locator("#L4 .ln").tap()
    expect(panel.locator("#comment-form")).to_be_visible()
    in_viewport(page, "#line-panel h3")
    assert page.locator("#L4 + #line-panel").count() == 1
    body = page.get_by_label("Comment:", exact=True)
    body.tap()
    body.fill("Say who documents the measure.")
    page.get_by_label("File as").select_option(label="Kawasaki Robotics (as its representative)")
    check_at_both_widths(page, screenshot, "form-under-line-4")
    page.get_by_role("button", name="File comment").tap()

    expect(page.get_by_role("heading", name="Comment received")).to_be_visible()
    expect(page.locator(".receipt-reference")).to_have_text("Your reference: HAIP-V1-000001")
    check_at_both_widths(page, screenshot, "receipt")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this receipt as a PDF").tap()
    assert download.value.suggested_filename == "HAIP-V1-000001-receipt.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    comment = Comment.objects.get()
    assert (comment.line_start, comment.line_end, comment.author) == (4, 4, author)


def test_a_lines_thread_opens_under_it_and_its_quote_stays_marked(
    live_server, page: Page, screenshot, version
):
    organisation = verified_organisation(name="Kawasaki Robotics")
    author = representative_of(organisation, person("rep@kawasaki.example"))
    line = Line.objects.get(version=version, number=4)
    quoted = submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=4,
        body="Say who documents the measure.",
        quote=Quote(PHRASE, start=line.text.index(PHRASE)),
        proposed_text=line.text.replace("document", "publish"),
    )
    plain = submit(version=version, author=author, organisation=organisation, line_start=4)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    page.evaluate("() => { window.__samePage = true; }")
    url = page.url

    expect(page.locator("#L4 mark.quote")).to_have_text(PHRASE)  # marked as the page opens
    count = page.get_by_role("link", name="2 comments on line 4")
    expect(count).to_have_attribute("aria-expanded", "false")
    count.tap()
    panel = page.locator("#line-panel")
    expect(panel.get_by_role("heading", name="On line 4")).to_be_focused()
    expect(panel.get_by_role("link", name=quoted.reference)).to_be_visible()
    expect(panel.get_by_role("link", name=plain.reference)).to_be_visible()
    expect(count).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("() => window.__samePage") is True
    assert page.url == url
    in_viewport(page, "#line-panel-h")
    mark = page.locator("#L4 mark.quote")
    expect(mark).to_have_text(PHRASE)  # once, though the thread names it again
    expect(page.locator("#L4 .lt")).to_have_text(re.compile(re.escape(line.text)))
    check_at_both_widths(page, screenshot, "thread-under-line-4")

    panel.get_by_role("button", name="Close: Comments on line 4").tap()
    expect(panel).to_have_count(0)
    expect(count).to_be_focused()
    expect(mark).to_have_text(PHRASE)  # the phrase stays marked once the thread is closed

    # At 1280 px the count opens the same panel, by keyboard; Escape shuts it.
    page.set_viewport_size(DESKTOP)
    count.focus()
    page.keyboard.press("Enter")
    expect(panel.get_by_role("heading", name="On line 4")).to_be_focused()
    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(count).to_be_focused()

    # Without JavaScript's help the link still leads to ?line=4, which marks the quote too.
    page.goto(f"{live_server.url}{version.get_absolute_url()}?line=4")
    expect(page.locator(".comment-panel .line-comments")).to_contain_text(quoted.reference)
    expect(page.locator("#L4 mark.quote")).to_have_text(PHRASE)
    check_at_both_widths(page, screenshot, "line-4-page")

    # The comment's page shows its proposed text as a word diff against line 4.
    panel_link = page.locator(".line-comments").get_by_role("link", name=quoted.reference)
    panel_link.tap()
    diff = page.locator(".proposed-diff")
    expect(diff.locator("del")).to_have_text("[removed: document]")
    expect(diff.locator("ins")).to_have_text("[added: publish]")
    check_at_both_widths(page, screenshot, "comment-page")


def test_the_matrix_and_a_comment_page_pass_axe_at_both_widths(
    live_server, page: Page, screenshot, version
):
    author = representative_of(verified_organisation(name="Org M"), person("rep@m.example"))
    comment = submit(version=version, author=author, line_start=4, kind="technical")
    secretariat, secret = secretariat_member()
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, secretariat, totp_secret=secret)
    page.goto(f"{live_server.url}/secretariat/drafts/haip/v1/matrix/")
    reference = page.get_by_role("link", name=comment.reference, exact=True)
    row = page.get_by_role("row").filter(has=reference)
    expect(row).to_contain_text("Technical")
    expect(row).to_contain_text("Not answered yet")
    expect(page.get_by_label("Outcome")).to_have_value("")
    check_at_both_widths(page, screenshot, "matrix")

    row.get_by_role("link", name=f"Answer {comment.reference}").tap()
    expect(page.get_by_role("heading", name=f"Comment {comment.reference}")).to_be_visible()
    in_viewport(page, "#disposition-h")
    check_at_both_widths(page, screenshot, "comment-page-secretariat")
