"""The draft in the G7's languages, in a real browser: a reader switches the text to Japanese,
selects a Japanese phrase and files a comment; the secretariat finds it on the English
master's line with the Japanese quote. axe finds no violation on the draft page in any of the
five languages, at 1280 px and at 375 px; screenshots of each are saved under test-results/."""

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from comments.models import Comment
from tests.comments.factories import representative_of, verified_organisation
from tests.drafts.factories import open_version_in_languages
from tests.e2e.test_comments import person, secretariat_member, sign_in, sign_out
from tests.e2e.test_reading_on_phones import DESKTOP, check_at_both_widths

pytestmark = pytest.mark.django_db(transaction=True)

PHRASE = "識別情報"


def select_phrase(page: Page, selector: str, phrase: str) -> None:
    """Select ``phrase`` inside the element as a reader's selection ends: the range is set,
    then the mouse button is released over it. (A mouse drag across Japanese text is widened
    by Chromium to whole words and beyond, so the range is set directly.)"""
    found = page.evaluate(
        """([selector, phrase]) => {
            const element = document.querySelector(selector);
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(phrase);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + phrase.length);
                    window.getSelection().removeAllRanges();
                    window.getSelection().addRange(range);
                    return true;
                }
            }
            return false;
        }""",
        [selector, phrase],
    )
    assert found, f"{phrase!r} is not in {selector}"
    page.locator(selector).dispatch_event("mouseup")
    assert page.evaluate("() => window.getSelection().toString()") == phrase


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def version():
    return open_version_in_languages("fr", "de", "it", "ja", slug="haip")


def test_the_draft_page_is_clean_in_each_of_the_five_languages(
    live_server, page: Page, screenshot, version
):
    for language, words in (
        ("en", "Implement provenance mechanisms"),
        ("fr", "Mettre en œuvre des mécanismes de provenance"),
        ("de", "Mechanismen für den Herkunftsnachweis"),
        ("it", "Attuare meccanismi di provenienza"),
        ("ja", "来歴の仕組みを実装する"),
    ):
        page.goto(f"{live_server.url}{version.get_absolute_url()}?lang={language}")
        expect(page.locator("#L20 .lt")).to_contain_text(words)
        expect(page.locator("#action-7")).to_have_attribute("lang", language)
        check_at_both_widths(page, screenshot, f"draft-page-{language}")


def test_a_reader_comments_on_a_japanese_phrase_and_the_secretariat_sees_it_on_the_master(
    live_server, page: Page, screenshot, version
):
    organisation = verified_organisation(name="Kumo AI K.K.")
    author = representative_of(organisation, person("aiko@kumo-ai.example"))
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, author)
    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    page.get_by_role("navigation", name="Language of the text").get_by_role(
        "link", name="日本語"
    ).click()
    expect(page).to_have_url(f"{live_server.url}{version.get_absolute_url()}?lang=ja")
    expect(page.locator("#L20 .lt")).to_contain_text(PHRASE)

    select_phrase(page, "#L20 .lt", PHRASE)
    expect(page.locator("#anchor-citation")).to_contain_text(f"“{PHRASE}”")
    expect(page.get_by_label("From line")).to_have_value("20")
    page.get_by_label("Comment:", exact=True).fill(
        "生成日時も来歴情報に含めるべきです。利用者が信頼性を判断できるようにしてください。"
    )
    page.get_by_label("File as").select_option(label="Kumo AI K.K. (as its representative)")
    screenshot("japanese-phrase-comment-ready")
    page.get_by_role("button", name="File comment").click()
    expect(page.get_by_role("heading", name="Comment received")).to_be_visible()
    screenshot("japanese-receipt")

    comment = Comment.objects.get()
    assert (comment.line_start, comment.quote_exact) == (20, PHRASE)
    assert (comment.quote_language, comment.language) == ("ja", "ja")

    sign_out(page)
    secretariat, secret = secretariat_member()
    sign_in(page, live_server.url, secretariat, totp_secret=secret)
    page.goto(f"{live_server.url}{version.get_absolute_url()}?line=20#L20")
    expect(page.locator("#L20 .lt")).to_contain_text("Implement provenance mechanisms")
    card = page.get_by_role("article", name=comment.reference)
    expect(card.locator('.anchor-cite [lang="ja"]')).to_have_text(PHRASE)
    expect(card.locator(".anchor-cite")).to_contain_text("line 20")
    check_at_both_widths(page, screenshot, "secretariat-sees-japanese-quote-on-master")
