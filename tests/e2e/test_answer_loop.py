"""The answer loop in a real browser: a stakeholder comments on v1; the secretariat publishes
v2, answers the comment citing the v2 line that carries it out and opens responses; the
stakeholder gets the e-mail, opens v2, finds the comment "from v1" with its answer, and
objects. Then "you said, we did" shows the change with the comment and its objection."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Page, expect

from comments.models import CitedLines, Comment, DispositionResponse
from drafts import services as draft_services
from tests.comments.answer_loop import PROPOSED
from tests.comments.factories import open_version, representative_of, verified_organisation
from tests.comments.services.test_carry import V1, V2
from tests.e2e.test_comments import person, secretariat_member, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)
REASON = "A yearly review is too slow for frontier models."


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def file_comment(page: Page, base_url: str, slug: str) -> Comment:
    page.goto(f"{base_url}/drafts/{slug}/v1/")
    page.get_by_label("From line").fill("4")
    page.get_by_label("to line").fill("4")
    page.locator("#id_body").fill("The risk register should be public.")
    page.locator("#id_proposed_text").fill(PROPOSED)
    page.get_by_role("button", name="File comment").click()
    expect(page.get_by_role("heading", name="Comment received")).to_be_visible()
    return Comment.objects.get()


def publish_v2(page: Page, base_url: str, slug: str) -> None:
    page.goto(f"{base_url}/secretariat/drafts/{slug}/v2/publish/")
    page.get_by_label("Changelog").fill("The risk register is public and reviewed yearly.")
    page.get_by_role("button", name="Publish and open for comment").click()
    expect(page.get_by_role("status")).to_contain_text("is published")


def dispose_citing_v2(page: Page, base_url: str, comment: Comment) -> None:
    page.goto(f"{base_url}/comments/{comment.reference}/")
    page.get_by_label("Outcome").select_option(label="Accepted")
    page.get_by_label("Response to the commenter").fill("v2 makes the register public.")
    page.get_by_role("checkbox", name=re.compile(r"^4 \(where the comment went\)")).check()
    page.get_by_role("button", name="Record the disposition").click()
    expect(page.locator(".cited-lines")).to_contain_text("v2, line 4")
    page.goto(f"{base_url}/secretariat/drafts/{comment.version.draft.slug}/v1/matrix/")
    page.get_by_label("Responses to the dispositions close (UTC)").fill("2099-01-31T12:00")
    page.get_by_role("button", name="Set the deadline").click()
    expect(page.get_by_role("status")).to_contain_text("Commenters may answer")


def test_a_stakeholder_objects_to_the_answer_given_in_the_next_version(
    live_server, page: Page, screenshot
):
    v1 = open_version(slug="haip", title="HAIP Code", source=V1)
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation, person("rep@kumo.example"))
    secretariat, secret = secretariat_member()

    sign_in(page, live_server.url, author)
    comment = file_comment(page, live_server.url, "haip")
    sign_out(page)

    draft_services.version_create(draft=v1.draft, source=V2, created_by=secretariat)
    sign_in(page, live_server.url, secretariat, totp_secret=secret)
    mail.outbox.clear()
    publish_v2(page, live_server.url, "haip")
    dispose_citing_v2(page, live_server.url, comment)
    screenshot("disposed-citing-v2")
    page.goto(f"{live_server.url}/drafts/haip/compare/?from=1&to=2")
    expect(page.locator(".row-notes")).to_contain_text(comment.reference)
    screenshot("compare-with-answers")
    assert list(CitedLines.objects.values_list("line_start", "line_end")) == [(4, 4)]
    sign_out(page)

    notices = [m for m in mail.outbox if m.to == [author.email] and "became of" in m.subject]
    assert len(notices) == 1, [m.subject for m in mail.outbox]
    link = next(word for word in str(notices[0].body).split() if "/drafts/haip/v2/" in word)

    sign_in(page, live_server.url, author)
    page.goto(link)
    carried = page.locator(".carried-comments")
    expect(carried).to_contain_text("From v1")
    expect(carried).to_contain_text(comment.reference)
    expect(carried).to_contain_text("v2 makes the register public.")
    screenshot("v2-from-v1")
    carried.get_by_role("link", name=f"Read the answer {comment.reference}").click()
    page.get_by_label("I object to this answer").check()
    page.get_by_label("Reason (required to object)").fill(REASON)
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Your objection is recorded")
    screenshot("objected")
    assert DispositionResponse.objects.get().reason == REASON

    page.goto(f"{live_server.url}/drafts/haip/v2/you-said-we-did/")
    section = page.locator("#ys-action-1")
    expect(section).to_contain_text(comment.reference)
    expect(section).to_contain_text("1 objection")
    screenshot("you-said-we-did")
