"""Quotes across lines and proposed texts in the cards, in a real browser: a phrase quoted
across two numbered lines is marked on both as the draft page opens (and when the thread opens
under the line); a card shows its proposed text as a word diff against the lines it would
replace, in the list and under the line. axe finds no violation at 1280 px and at 375 px;
screenshots of each page at both widths are saved under test-results/."""

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from comments import services as comment_services
from comments.anchoring import Quote
from comments.models import Comment
from drafts.models import Line
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.e2e.test_comments import person
from tests.e2e.test_reading_on_phones import PHONE, check_at_both_widths

pytestmark = pytest.mark.django_db(transaction=True)

END_OF_4 = "of action 1."
START_OF_5 = "Practice 1.2: organisations"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "has_touch": True}


def test_a_quote_across_two_lines_is_marked_on_both_and_cards_show_the_word_diff(
    live_server, page: Page, screenshot
):
    version = open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Kawasaki Robotics")
    author = representative_of(organisation, person("rep@kawasaki.example"))
    four = Line.objects.get(version=version, number=4).text
    five = Line.objects.get(version=version, number=5).text
    across = submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=4,
        line_end=5,
        body="These two measures belong together.",
        quote=Quote(f"{END_OF_4}\n{START_OF_5}", start=four.index(END_OF_4)),
        proposed_text=f"{four}\n{five}".replace("document measure 2", "publish measure 2"),
    )

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    expect(page.locator("#L4 mark.quote")).to_have_text(END_OF_4)
    expect(page.locator("#L5 mark.quote")).to_have_text(START_OF_5)
    expect(page.locator("#L6 mark.quote")).to_have_count(0)
    check_at_both_widths(page, screenshot, "quote-across-lines")

    page.get_by_role("link", name="1 comment on line 4").tap()
    panel = page.locator("#line-panel")
    card = panel.get_by_role("article", name=across.reference)
    expect(card.locator(".card-diff del")).to_have_text("[removed: document]")
    expect(card.locator(".card-diff ins")).to_have_text("[added: publish]")
    expect(page.locator("#L4 mark.quote")).to_have_count(1)  # still once each
    expect(page.locator("#L5 mark.quote")).to_have_count(1)
    check_at_both_widths(page, screenshot, "thread-with-diff-under-line-4")

    page.goto(f"{live_server.url}/drafts/haip/v1/comments/")
    card = page.get_by_role("article", name=across.reference)
    expect(card.locator(".card-diff")).to_contain_text("Proposed change:")
    expect(card.locator(".card-diff del")).to_have_text("[removed: document]")
    expect(card.locator(".card-diff ins")).to_have_text("[added: publish]")
    check_at_both_widths(page, screenshot, "list-with-diff")


def test_a_quote_whose_lines_no_longer_read_as_quoted_keeps_the_parts_that_still_match(
    live_server, page: Page, screenshot
):
    version = open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Kawasaki Robotics")
    author = representative_of(organisation, person("rep@kawasaki.example"))
    lines = {
        number: Line.objects.get(version=version, number=number).text for number in (4, 5, 6, 7)
    }
    three = submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=4,
        line_end=6,
        body="Three lines quoted.",
        quote=Quote(
            f"{END_OF_4}\n{lines[5]}\nPractice 1.3: organisations", start=lines[4].index(END_OF_4)
        ),
    )
    two = submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=7,
        line_end=8,
        body="A heading and the line after it.",
        quote=Quote("Action number 2\nPractice 2.1", start=lines[7].index("Action number 2")),
    )
    # The quotes as a rendering or an earlier reading had them: some of their lines no longer
    # read as quoted (the first and middle lines re-worded; a last line with nothing in common).
    Comment.objects.filter(pk=three.pk).update(
        quote_exact="measure 1 of the first action.\n"
        "Practice 1.2: companies record measure 2 of action 1.\n"
        "Practice 1.3: organisations"
    )
    Comment.objects.filter(pk=two.pk).update(quote_exact="Action number 2\nwholly other wording")
    # Changed in the database, not through the services: the kept quotes are counted afresh.
    comment_services.comment_counts_rebuild(versions=[version])

    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    expect(page.locator("#L4 mark.quote")).to_have_text("measure 1 of")
    expect(page.locator("#L5 mark.quote")).to_have_text("measure 2 of action 1.")
    expect(page.locator("#L6 mark.quote")).to_have_text("Practice 1.3: organisations")
    expect(page.locator("#L7 mark.quote")).to_have_text("Action number 2")
    expect(page.locator("#L8 mark.quote")).to_have_count(0)
    check_at_both_widths(page, screenshot, "quotes-that-drifted")
