"""Filing, reading and answering line-anchored comments in a real browser.

Stakeholders sign in through allauth's pages, anchor a comment with the mouse (a phrase
selected in a line) or with the keyboard alone (the "From line" / "to line" fields), and see
their receipt and the gutter counts; confidential comments stay inside the filing
organisation; the secretariat signs in with its TOTP code and answers a comment; axe checks
the comment panel and the comment form.
"""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import Page, expect

from accounts import permissions
from accounts.models import User
from accounts.permissions import SECRETARIAT_GROUP
from comments import services
from comments.models import Comment, Disposition
from drafts.models import Line
from tests.accounts.factories import make_user
from tests.comments.factories import (
    member_of,
    open_version,
    representative_of,
    submit,
    verified_organisation,
)
from tests.conftest import enable_totp

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough passphrase"
PHRASE = "document measure 1"  # inside line 4: "Practice 1.1: organisations document measure 1 …"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Sign-in and filing rate limits live in the cache; each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def version():
    return open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)


def person(email: str) -> User:
    """A user who can sign in: a password and a verified primary address."""
    user = make_user(email=email)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(page: Page, base_url: str, user: User, *, totp_secret: str | None = None) -> None:
    """Sign in through allauth's form (and its two-factor page), by keyboard."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    if totp_secret:
        expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
        if time.time() % 30 > 27:  # don't send a code that expires on its way
            time.sleep(30 - time.time() % 30 + 0.1)
        code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30))
        page.get_by_label("Code").fill(code)
        page.get_by_label("Code").press("Enter")
    expect(page.get_by_role("button", name=re.compile(r"^Sign out"))).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()


def drag_select(page: Page, selector: str, phrase: str) -> int:
    """Select ``phrase`` inside the element with a real mouse drag; returns its offset in the
    element's text."""
    box = page.evaluate(
        """([selector, phrase]) => {
            const element = document.querySelector(selector);
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            let before = 0;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(phrase);
                if (at >= 0) {
                    const first = document.createRange();
                    first.setStart(node, at);
                    first.setEnd(node, at + 1);
                    const last = document.createRange();
                    last.setStart(node, at + phrase.length - 1);
                    last.setEnd(node, at + phrase.length);
                    const a = first.getBoundingClientRect();
                    const b = last.getBoundingClientRect();
                    return {x1: a.left, y1: a.top + a.height / 2, x2: b.right,
                            y2: b.top + b.height / 2, offset: before + at};
                }
                before += node.data.length;
            }
            return null;
        }""",
        [selector, phrase],
    )
    assert box, f"{phrase!r} is not in {selector}"
    page.mouse.move(box["x1"] + 1, box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=5)
    page.mouse.move(box["x2"] - 1, box["y2"], steps=5)
    page.mouse.up()
    assert page.evaluate("() => window.getSelection().toString()") == phrase
    return box["offset"]


def focus_by_tab(page: Page, element_id: str, *, limit: int = 200) -> int:
    """Press Tab until the element with ``element_id`` has the focus; returns the presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == (
            element_id
        ):
            return presses
    raise AssertionError(f"#{element_id} never got the focus after {limit} presses of Tab")


def focus_button_by_tab(page: Page, name: str, *, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(name) => { const e = document.activeElement;"
            " return !!e && e.tagName === 'BUTTON' && e.textContent.trim() === name; }",
            name,
        ):
            return
    raise AssertionError(f"the {name!r} button never got the focus")


def screenshot_whole_panel(page: Page, screenshot, name: str) -> None:
    """The comment panel scrolls inside the window; make the window tall enough to show all
    of the filled-in form in the screenshot, then restore it."""
    size = page.viewport_size
    assert size is not None
    page.set_viewport_size({"width": size["width"], "height": 1800})
    screenshot(name)
    page.set_viewport_size(size)


def secretariat_member(email: str = "secretariat@g7.example") -> tuple[User, str]:
    """A secretariat member with a TOTP authenticator; returns the user (acting, in services
    called by a test, as signed in with two-factor) and its secret."""
    user = person(email)
    user.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    secret = enable_totp(user)
    permissions.record_authentication(user, two_factor=True)
    return user, secret


def serious_violations(page: Page, label: str) -> list[dict]:
    """Run axe on the page; print every violation; return the serious and critical ones."""
    response = Axe().run(page).response
    violations = response["violations"]
    print(
        f"\naxe {response['testEngine']['version']} on {label}: {len(violations)} violation(s),"
        f" {len(response['passes'])} rules passed, needing review:"
        f" {sorted(item['id'] for item in response['incomplete']) or 'none'}"
    )
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        print(f"  {violation['id']} ({violation['impact']}): {violation['help']} → {targets}")
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_representative_files_a_comment_on_a_phrase_selected_with_the_mouse(
    live_server, page: Page, screenshot, version
):
    organisation = verified_organisation(name="Kawasaki Robotics")
    author = representative_of(organisation, person("rep@kawasaki.example"))
    line = Line.objects.get(version=version, number=4)
    assert PHRASE in line.text

    sign_in(page, live_server.url, author)
    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    expect(page.locator("#anchor-citation")).to_have_text("No lines chosen yet.")

    offset = drag_select(page, "#L4 .lt", PHRASE)
    screenshot("phrase-dragged")
    citation = page.locator("#anchor-citation")
    expect(citation).to_contain_text("line 4")
    expect(citation).to_contain_text(f"“{PHRASE}”")
    expect(page.get_by_label("From line")).to_have_value("4")
    expect(page.get_by_label("to line")).to_have_value("4")
    expect(page.get_by_label("Quoted phrase (optional)")).to_have_value(PHRASE)
    expect(page.locator("#L4")).to_have_class(re.compile(r"\bselected\b"))

    page.get_by_label("Comment:", exact=True).fill("Say **who** documents the measure.")
    page.get_by_label("File as").select_option(label="Kawasaki Robotics (as its representative)")
    screenshot_whole_panel(page, screenshot, "phrase-comment-ready")
    page.get_by_role("button", name="File comment").click()

    expect(page.get_by_role("heading", name="Comment received")).to_be_visible()
    expect(page.locator(".receipt-reference")).to_have_text("Your reference: HAIP-V1-000001")
    expect(page.locator(".facts")).to_contain_text("Kawasaki Robotics")
    expect(page.locator(".facts")).to_contain_text(f"line 4, “{PHRASE}”")
    screenshot("receipt")

    page.get_by_role("link", name="Back to the draft").click()
    expect(page.locator("#L4 .note-count")).to_have_text("1")
    expect(page.get_by_role("link", name="1 comment on line 4")).to_be_visible()
    expect(page.locator(".note-count")).to_have_count(1)
    screenshot("gutter-count")

    comment = Comment.objects.get()
    assert comment.reference == "HAIP-V1-000001"
    assert comment.organisation == organisation
    assert (comment.line_start, comment.line_end) == (4, 4)
    assert comment.quote_exact == PHRASE
    assert comment.quote_start == offset == line.text.index(PHRASE)
    assert comment.body == "Say **who** documents the measure."


def test_a_comment_is_filed_by_keyboard_alone(live_server, page: Page, screenshot, version):
    author = person("ana@ministry.example")
    sign_in(page, live_server.url, author)
    page.goto(f"{live_server.url}{version.get_absolute_url()}")

    # Skip link, then Tab through the draft to the comment form; no mouse from here on.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    presses = focus_by_tab(page, "id_line_start")
    print(f"\n'From line' reached after the skip link and {presses} presses of Tab")
    expect(page.get_by_label("From line")).to_be_focused()
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    expect(page.get_by_label("to line")).to_be_focused()
    page.keyboard.type("6")
    expect(page.locator("#anchor-citation")).to_contain_text("lines 5–6")

    focus_by_tab(page, "id_body", limit=20)
    page.keyboard.type("Lines 5 and 6 should be one practice.")
    focus_button_by_tab(page, "File comment")
    screenshot_whole_panel(page, screenshot, "keyboard-form")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Comment received")).to_be_visible()
    expect(page.locator(".receipt-reference")).to_have_text("Your reference: HAIP-V1-000001")
    expect(page.locator(".facts")).to_contain_text("lines 5–6")
    screenshot("keyboard-receipt")

    comment = Comment.objects.get()
    assert (comment.line_start, comment.line_end) == (5, 6)
    assert comment.quote_exact == ""
    assert comment.body == "Lines 5 and 6 should be one practice."
    assert comment.author == author


def test_a_confidential_comment_is_seen_only_inside_its_organisation(
    live_server, page: Page, screenshot, version
):
    org_a = verified_organisation(name="Org A")
    org_b = verified_organisation(name="Org B")
    rep_a = representative_of(org_a, person("rep@a.example"))
    colleague_a = member_of(org_a, person("colleague@a.example"))
    rep_b = representative_of(org_b, person("rep@b.example"))
    public = submit(version=version, author=rep_a, organisation=org_a, line_start=3)
    secret = submit(
        version=version,
        author=rep_a,
        organisation=org_a,
        line_start=5,
        body="Our confidential concern about line 5.",
        visibility=Comment.Visibility.CONFIDENTIAL,
    )
    assert secret.is_confidential and not public.is_confidential
    draft_url = f"{live_server.url}{version.get_absolute_url()}"
    list_url = f"{live_server.url}/drafts/haip/v1/comments/"

    def sees_only_the_public_comment(who: str) -> None:
        page.goto(draft_url)
        expect(page.locator("#L3 .note-count")).to_have_text("1")
        expect(page.locator("#L5 .note-count")).to_have_count(0)
        expect(page.locator(".comment-panel .meta").first).to_contain_text("1 comment you can see")
        screenshot(f"draft-{who}")
        page.goto(list_url)
        expect(page.get_by_text("1 comment.", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name=public.reference)).to_be_visible()
        expect(page.locator("main")).not_to_contain_text(secret.reference)
        expect(page.locator("main")).not_to_contain_text("confidential concern")
        screenshot(f"list-{who}")
        response = page.goto(f"{live_server.url}/comments/{secret.reference}/")
        assert response is not None and response.status == 404
        expect(page.locator("main")).to_contain_text(re.compile(r"not found", re.IGNORECASE))
        expect(page.locator("body")).not_to_contain_text("confidential concern")
        screenshot(f"permalink-404-{who}")
        page.goto(f"{draft_url}?line=5")
        expect(page.locator(".line-comments")).to_contain_text("No comments on this line yet.")
        expect(page.locator(".comment-panel")).not_to_contain_text(secret.reference)
        screenshot(f"line-5-panel-{who}")

    sign_in(page, live_server.url, rep_b)
    sees_only_the_public_comment("org-b")

    sign_out(page)
    sees_only_the_public_comment("anonymous")

    sign_in(page, live_server.url, colleague_a)
    page.goto(draft_url)
    expect(page.locator("#L5 .note-count")).to_have_text("1")
    expect(page.locator(".comment-panel .meta").first).to_contain_text("2 comments you can see")
    page.goto(f"{draft_url}?line=5")
    expect(page.locator(".line-comments")).to_contain_text(secret.reference)
    screenshot("line-5-panel-colleague")
    page.goto(list_url)
    card = page.locator(".comment-card", has=page.get_by_role("link", name=secret.reference))
    expect(card.locator(".badge-confidential")).to_have_text("Confidential")
    expect(card).to_contain_text("confidential concern")
    response = page.goto(f"{live_server.url}/comments/{secret.reference}/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name=f"Comment {secret.reference}")).to_be_visible()
    expect(page.locator(".comment-body")).to_contain_text("Our confidential concern about line 5.")
    screenshot("permalink-colleague")


def test_secretariat_disposes_and_the_author_reads_the_answer(
    live_server, page: Page, screenshot, version
):
    organisation = verified_organisation(name="Kawasaki Robotics")
    author = representative_of(organisation, person("rep@kawasaki.example"))
    comment = submit(version=version, author=author, organisation=organisation, line_start=4)
    secretariat, secret = secretariat_member()
    response_text = "Accepted: v2 names the red team's operator in line 4."

    sign_in(page, live_server.url, secretariat, totp_secret=secret)
    page.goto(f"{live_server.url}/secretariat/drafts/haip/v1/matrix/")
    expect(page.get_by_role("link", name=comment.reference, exact=True)).to_be_visible()
    screenshot("matrix-before")
    page.get_by_role("link", name=comment.reference, exact=True).click()
    expect(page.get_by_role("heading", name=f"Comment {comment.reference}")).to_be_visible()
    expect(page.locator(".disposition")).to_contain_text("Not answered yet.")
    page.get_by_label("Outcome").select_option(label="Accepted")
    page.get_by_label("Response to the commenter").fill(response_text)
    page.get_by_role("button", name="Record the disposition").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Disposition recorded for {comment.reference}"
    )
    expect(page.locator(".disposition .badge-disposition")).to_have_text("Accepted")
    screenshot("disposition-recorded")

    disposition = Disposition.objects.get(comment=comment)
    assert disposition.outcome == Disposition.Outcome.ACCEPTED
    assert disposition.response == response_text

    sign_out(page)
    sign_in(page, live_server.url, author)
    page.goto(f"{live_server.url}/comments/{comment.reference}/")
    answer = page.locator(".disposition")
    expect(answer.locator(".badge-disposition")).to_have_text("Accepted")
    expect(answer).to_contain_text(response_text)
    expect(page.get_by_role("button", name="Record the disposition")).to_have_count(0)
    screenshot("author-comment-page")

    page.goto(f"{live_server.url}/comments/mine/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=comment.reference))
    expect(row).to_contain_text("Kawasaki Robotics")
    expect(row.get_by_role("cell").last).to_have_text(re.compile(r"^\s*Accepted"))
    screenshot("my-comments")


def test_the_comment_panel_and_form_have_no_serious_accessibility_violations(
    live_server, page: Page, screenshot, version
):
    organisation = verified_organisation(name="Kawasaki Robotics")
    author = representative_of(organisation, person("rep@kawasaki.example"))
    submit(version=version, author=author, organisation=organisation, line_start=3)
    sign_in(page, live_server.url, author)

    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    page.get_by_role("link", name="Line 3", exact=True).click()
    expect(page.locator("#anchor-citation")).to_contain_text("line 3")
    expect(page.locator("#comment-form")).to_be_visible()
    screenshot("axe-draft-page")
    draft_page = serious_violations(page, "the draft page with the comment panel")

    page.goto(f"{live_server.url}/drafts/haip/v1/comments/new/?line=3")
    expect(page.get_by_label("From line")).to_have_value("3")
    screenshot("axe-comment-form")
    form_page = serious_violations(page, "the comment form page")

    assert not draft_page, [(v["id"], v["impact"], len(v["nodes"])) for v in draft_page]
    assert not form_page, [(v["id"], v["impact"], len(v["nodes"])) for v in form_page]


# --- Details found by these tests (help texts, ids, navigation, the answer on My comments) ---


def test_the_form_help_texts_are_announced_with_their_fields(
    live_server, page: Page, screenshot, version
):
    sign_in(page, live_server.url, person("ana@ministry.example"))
    page.goto(f"{live_server.url}/drafts/haip/v1/comments/new/?line=3")
    screenshot("help-texts")
    dangling = page.evaluate(
        """() => [...document.querySelectorAll("[aria-describedby]")].flatMap(element =>
            element.getAttribute("aria-describedby").split(/\\s+/)
                .filter(id => !document.getElementById(id))
                .map(id => `#${element.id} → #${id}`))"""
    )
    assert dangling == []
    expect(page.get_by_label("Comment:", exact=True)).to_have_accessible_description(
        re.compile("Markdown")
    )
    expect(page.get_by_label("Quoted phrase (optional):")).to_have_accessible_description(
        re.compile("exact words")
    )


def test_each_reason_field_on_a_comment_page_has_its_own_label(
    live_server, page: Page, screenshot, version
):
    organisation = verified_organisation(name="Kawasaki Robotics")
    author = representative_of(organisation, person("rep@kawasaki.example"))
    comment = submit(version=version, author=author, organisation=organisation, line_start=4)
    secretariat, secret = secretariat_member()
    sign_in(page, live_server.url, secretariat, totp_secret=secret)
    page.goto(f"{live_server.url}/comments/{comment.reference}/")
    screenshot("secretariat-comment-page")
    duplicates = page.evaluate(
        """() => [...document.querySelectorAll("[id]")].map(element => element.id)
            .filter((id, index, ids) => ids.indexOf(id) !== index)"""
    )
    assert duplicates == []
    hide_form = page.locator(f'form[action="/comments/{comment.reference}/hide/"]')
    expect(hide_form.get_by_label("Reason")).to_be_visible(timeout=2000)


def _answered_comment(version) -> tuple[User, Comment, str]:
    organisation = verified_organisation(name="Kawasaki Robotics")
    author = representative_of(organisation, person("rep@kawasaki.example"))
    comment = submit(version=version, author=author, organisation=organisation, line_start=4)
    secretariat, _secret = secretariat_member()
    response = "Accepted: v2 names the red team's operator in line 4."
    services.comment_dispose(
        comments=[comment],
        user=secretariat,
        outcome=Disposition.Outcome.ACCEPTED,
        response=response,
    )
    return author, comment, response


def test_my_comments_is_reachable_from_the_main_navigation(
    live_server, page: Page, screenshot, version
):
    author, _comment, _response = _answered_comment(version)
    sign_in(page, live_server.url, author)
    screenshot("main-navigation")
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="My comments")).to_be_visible(timeout=2000)


def test_my_comments_shows_the_secretariat_response(live_server, page: Page, screenshot, version):
    author, comment, response = _answered_comment(version)
    sign_in(page, live_server.url, author)
    page.goto(f"{live_server.url}/comments/mine/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=comment.reference))
    expect(row).to_contain_text("Accepted")
    screenshot("my-comments-answer")
    expect(row).to_contain_text(response, timeout=2000)
