"""The secretariat's day in a real browser: its home page shows what needs doing and leads to
it; a digest asked for with tasks on the web process's background thread (``make run``: no
broker) answers at once, and its page follows the build to the end. axe runs on every page
visited, at 1280 px and at 375 px, and finds no violation; screenshots of each at both widths
are saved under test-results/."""

import threading
import time

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, Route, expect

from comments import services
from comments.digests import services as digest_services
from comments.digests.models import Digest
from haip_portal.queueing import wait_for_background_tasks
from tests.accounts.factories import make_organisation, make_user
from tests.comments.consultations import consultation_with_comments
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.e2e.test_comments import person, secretariat_member, sign_in
from tests.e2e.test_reading_on_phones import DESKTOP, check_at_both_widths

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_secretariats_home_shows_what_needs_doing_and_leads_to_it(
    live_server, page: Page, screenshot
):
    version = open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)
    author = representative_of(verified_organisation(name="Kumo AI"), person("rep@kumo.example"))
    reported = submit(version=version, author=author, line_start=4)
    submit(version=version, author=author, line_start=5)
    services.flag_create(comment=reported, user=make_user(), reason="Advertises a product.")
    make_organisation(name="Waiting Lab")
    secretariat, secret = secretariat_member()

    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, secretariat, totp_secret=secret)
    page.goto(f"{live_server.url}/")
    todo = page.get_by_role("region", name="What needs doing")
    expect(todo.get_by_role("region", name="Open consultations")).to_contain_text(
        "HAIP Code, version 1 — 2 comments"
    )
    expect(todo.get_by_role("region", name="Open consultations")).to_contain_text("left to comment")
    unanswered = todo.get_by_role("link", name="2 comments on HAIP Code, version 1")
    expect(unanswered).to_be_visible()
    expect(todo.get_by_role("link", name="1 report on 1 comment")).to_be_visible()
    expect(todo.get_by_role("link", name="1 organisation waiting for verification")).to_be_visible()
    check_at_both_widths(page, screenshot, "secretariat-home")

    page.set_viewport_size(DESKTOP)
    unanswered.click()
    expect(page).to_have_url(
        f"{live_server.url}/secretariat/drafts/haip/v1/matrix/?disposition=open"
    )
    expect(page.get_by_role("link", name=reported.reference, exact=True)).to_be_visible()
    check_at_both_widths(page, screenshot, "matrix-without-disposition")

    page.goto(f"{live_server.url}/")
    todo.get_by_role("link", name="1 organisation waiting for verification").click()
    expect(page.get_by_text("Waiting Lab").first).to_be_visible()
    check_at_both_widths(page, screenshot, "organisations-to-verify")


@pytest.fixture
def held_build(monkeypatch):
    """Digest builds wait until released: a test sees the page before the build is done."""
    started, release = threading.Event(), threading.Event()
    build = digest_services.digest_build

    def held(*, digest_id: int) -> None:
        started.set()
        assert release.wait(timeout=120)
        build(digest_id=digest_id)

    monkeypatch.setattr(digest_services, "digest_build", held)
    yield started, release
    release.set()
    wait_for_background_tasks()


def build_then_answer(route: Route, finish: threading.Event, release: threading.Event) -> None:
    """The page's next question about the digest once ``finish`` is set lets the build go and
    is answered when it is done: SQLite (in tests) locks a table the build writes, so no
    request may read it meanwhile; PostgreSQL would not mind."""
    if finish.is_set():
        release.set()
        wait_for_background_tasks()
    route.continue_()


def test_a_digest_asked_for_in_the_browser_answers_at_once_and_its_page_follows_the_build(
    live_server, page: Page, screenshot, settings, held_build
):
    started, release = held_build
    consultation_with_comments()
    secretariat, secret = secretariat_member()
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, secretariat, totp_secret=secret)
    page.goto(f"{live_server.url}/drafts/haip/v1/digests/")
    expect(page.get_by_role("heading", name="Ask for a new digest")).to_be_visible()
    check_at_both_widths(page, screenshot, "digests-list")

    page.set_viewport_size(DESKTOP)
    settings.TASKS_IN_BACKGROUND = True  # as under ``make run``: no broker, no worker
    finish = threading.Event()
    page.route("**/api/v1/digests/**", lambda route: build_then_answer(route, finish, release))
    asked = time.monotonic()
    page.get_by_role("button", name="Build digest").click()
    expect(page.get_by_role("heading", name="Being built")).to_be_visible()
    answered = time.monotonic() - asked
    digest = Digest.objects.get()
    assert page.url == f"{live_server.url}/digests/{digest.pk}/"
    assert started.wait(timeout=30)  # the build has begun on the background thread ...
    digest.refresh_from_db()
    assert digest.status in (Digest.Status.QUEUED, Digest.Status.RUNNING)  # ... not finished
    assert answered < 5, f"the request took {answered:.1f} s"
    expect(page.get_by_role("status").first).to_contain_text(f"{digest.reference} is queued")
    expect(page.locator("#digest-progress-text")).to_contain_text("This page updates by itself.")
    check_at_both_widths(page, screenshot, "digest-being-built")

    finish.set()
    expect(page.get_by_role("heading", name="Files")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("link", name="Comment matrix (Excel)")).to_be_visible(timeout=60_000)
    wait_for_background_tasks()
    digest.refresh_from_db()
    assert digest.status == Digest.Status.READY and digest.matrix_ready_at is not None
    check_at_both_widths(page, screenshot, "digest-ready")
