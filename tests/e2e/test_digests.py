"""A working-group member asks for a digest in a real browser and watches the real worker
build it: the progress bar moves, the page turns into the digest by itself, and the comment
matrix files appear once written. Needs Chromium, Redis and PostgreSQL (CI)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import Page, expect

from accounts.models import WorkingGroup
from comments.digests.models import Digest
from tests.conftest import enable_totp
from tests.digests.test_worker import _consultation, _worker_env
from tests.e2e.test_comments import person, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


@pytest.fixture
def shared_files(tmp_path, settings):
    (tmp_path / "media").mkdir()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def test_a_digest_is_asked_for_and_followed_live_to_the_end(
    live_server, page: Page, screenshot, celery_worker_factory, shared_files
):
    cache.clear()
    version = _consultation(3000)
    member = person("giulia@wg.example")
    group = WorkingGroup.objects.create(name="Digital and Tech", slug="digital-tech")
    group.members.add(member)
    secret = enable_totp(member)  # working-group powers need two-factor authentication
    worker = celery_worker_factory(extra_env=_worker_env(shared_files))

    sign_in(page, live_server.url, member, totp_secret=secret)
    page.goto(f"{live_server.url}/drafts/haip/v1/digests/")
    expect(page.get_by_role("heading", name="Ask for a new digest")).to_be_visible()
    page.get_by_role("button", name="Build digest").click()

    digest = Digest.objects.get()
    expect(page).to_have_url(f"{live_server.url}/digests/{digest.pk}/")
    bar = page.locator("#digest-progress-bar")
    expect(bar).to_be_visible()
    # The script follows the worker: the bar moves past the start while the build runs.
    # (A function, not an expression string: Playwright would eval the string in the page,
    # which the Content-Security-Policy refuses.)
    page.wait_for_function(
        "() => Number(document.getElementById('digest-progress-bar')?.value) >= 5",
        timeout=120_000,
    )
    screenshot("digest-in-progress")
    assert worker.process is not None and worker.process.poll() is None

    # Ready: the page reloads into the digest, then again when the matrix files are there.
    expect(page.get_by_role("heading", name="Files")).to_be_visible(timeout=240_000)
    first_section = version.sections.order_by("position").first()
    assert first_section is not None
    expect(page.get_by_role("heading", name=first_section.heading).first).to_be_visible()
    expect(page.get_by_role("link", name="Comment matrix (Excel)")).to_be_visible(timeout=240_000)
    expect(page.get_by_role("link", name="PDF")).to_be_visible()
    screenshot("digest-ready")
    digest.refresh_from_db()
    assert digest.status == "ready" and digest.matrix_ready_at is not None

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa"]})
    assert results.violations_count == 0, results.generate_report()
