"""Real-browser tests: Playwright driving the system's Chromium against Django's live server.

The browser is the machine's own (``/usr/bin/chromium`` from Debian's packages, or the path in
``HAIP_CHROMIUM``); Playwright never downloads one. Where no Chromium is installed these tests
are skipped with that reason; CI installs it. Each test saves a screenshot in its output folder
(``test-results/`` by default).
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HAIP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def screenshot(page, output_path):
    """Save a full-page screenshot under the test's output folder; returns its path."""

    def take(name: str) -> Path:
        path = Path(output_path) / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# Reported to the test by every page the browser opens (see ``csp_violations``).
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__haipCspViolation({
    page: document.location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    source: event.sourceFile + ":" + event.lineNumber,
  });
});
"""


@pytest.fixture(autouse=True)
def csp_violations(request):
    """Every browser test fails if a page reports a Content-Security-Policy violation: the
    page's ``securitypolicyviolation`` events and the console's "Refused to …" errors are
    collected while the test runs. Yields the list, which a test may inspect (and empty)."""
    if "page" not in request.fixturenames:
        yield []
        return
    page = request.getfixturevalue("page")
    violations: list[dict] = []
    page.expose_binding("__haipCspViolation", lambda _source, report: violations.append(report))
    page.add_init_script(_REPORT_VIOLATIONS)

    def console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append({"console": message.text, "page": page.url})

    page.on("console", console)
    yield violations
    assert not violations, f"Content-Security-Policy violations: {violations}"
