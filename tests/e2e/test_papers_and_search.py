"""A position paper in a real browser: a representative attaches a PDF to a comment on a
line, then anyone finds the comment through the search box by a word that appears only in the
paper's text, and downloads the paper from the comment's page. axe runs on every page visited,
at 1280 px and at 375 px, and finds no violation; screenshots of each at both widths are saved
under test-results/."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from comments.models import Attachment, Comment
from tests.comments.factories import open_version, representative_of, verified_organisation
from tests.comments.papers import pdf_bytes
from tests.e2e.test_comments import person, sign_in, sign_out
from tests.e2e.test_reading_on_phones import DESKTOP, check_at_both_widths

pytestmark = pytest.mark.django_db(transaction=True)

# A word in the paper only: neither the draft, the comment's summary nor any other comment
# holds it.
PAPER_WORD = "Zephyrometry"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_pdf_paper_is_attached_in_the_browser_and_its_comment_found_by_a_word_of_its_text(
    live_server, page: Page, screenshot, tmp_path
):
    version = open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation, person("rep@kumo.example"))
    paper = tmp_path / "kumo-position-paper.pdf"
    paper.write_bytes(pdf_bytes(f"Kumo AI recommends {PAPER_WORD} audits for frontier models."))

    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, author)
    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    page.locator("#L5 .ln").click()
    expect(page.get_by_label("From line")).to_have_value("5")
    page.get_by_label("Comment:", exact=True).fill("Our position paper on line 5, attached.")
    page.get_by_label("File as").select_option(label="Kumo AI (as its representative)")
    page.get_by_label("Position papers (optional)").set_input_files(str(paper))
    check_at_both_widths(page, screenshot, "form-with-paper")
    page.get_by_role("button", name="File comment").click()

    expect(page.get_by_role("heading", name="Comment received")).to_be_visible()
    check_at_both_widths(page, screenshot, "receipt-with-paper")
    comment = Comment.objects.get()
    (attachment,) = Attachment.objects.filter(comment=comment)
    assert attachment.file_name == "kumo-position-paper.pdf"
    assert PAPER_WORD in attachment.text and PAPER_WORD not in comment.body

    # A visitor, signed out, searches the comments by the word of the paper.
    sign_out(page)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    page.get_by_role("link", name="Read and filter them").click()
    page.get_by_role("searchbox", name="Search").fill(PAPER_WORD.lower())
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page).to_have_url(re.compile(rf"/drafts/haip/v1/comments/\?q={PAPER_WORD.lower()}&"))
    result = page.get_by_role("article", name=comment.reference)
    expect(result).to_contain_text("Our position paper on line 5, attached.")
    expect(page.get_by_text("1 comment.")).to_be_visible()
    check_at_both_widths(page, screenshot, "search-by-paper-word")

    page.get_by_role("searchbox", name="Search").fill("unheardofword")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page.get_by_text("No comments match.")).to_be_visible()

    # The comment's page offers the paper as a download.
    page.goto(f"{live_server.url}{comment.get_absolute_url()}")
    check_at_both_widths(page, screenshot, "comment-page-with-paper")
    with page.expect_download() as download:
        page.get_by_role("link", name="kumo-position-paper.pdf").click()
    assert download.value.suggested_filename == "kumo-position-paper.pdf"
    assert download.value.path().read_bytes() == paper.read_bytes()
