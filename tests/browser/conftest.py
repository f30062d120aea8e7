"""Browser tests: the system's Chromium driven through Playwright's sync API.

No browser is downloaded: the tests use Debian's Chromium (`apt install chromium`)
and pytest-django's `live_server`. The fixtures here are named so that they do not
shadow pytest-playwright's own (`browser`, `context`, `page`), which these tests
do not use.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Where screenshots go: <repository>/test-artifacts/browser/ (the folder is git-ignored).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
# Auto-waiting limit for every action and assertion: generous for a loaded CI runner.
TIMEOUT_MS = 15_000
# axe-core, vendored (tests/browser/vendor/README.md): no download when the tests run.
AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator:
    """One headless Chromium for the module's tests.

    Playwright's sync API keeps an asyncio event loop "running" in this thread
    while it is started, and Django then refuses ORM calls in the thread
    (SynchronousOnlyOperation): the test's own data setup and reads, and the
    database flush that ends a transactional test. DJANGO_ALLOW_ASYNC_UNSAFE is
    Django's documented switch for that case; it is set exactly as long as
    Playwright runs. The scope is the module, not the session: once Playwright
    stops, the loop is gone and the rest of the suite (same xdist worker) runs
    with Django's check intact.
    """
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is not installed (apt-get install chromium)."
        if os.environ.get("CI"):
            pytest.fail(f"{message} CI must run the browser tests, not skip them.")
        pytest.skip(message)

    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do (Playwright's default for them is 5 s).
    expect.set_options(timeout=TIMEOUT_MS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@dataclass
class BrowserUsers:
    """Opens one isolated browser context per person and watches every page for errors."""

    browser: object
    base_url: str
    errors: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)

    def new_page(
        self,
        *,
        viewport: dict = DESKTOP,
        storage_state: dict | None = None,
        java_script_enabled: bool = True,
    ):
        """A page in a fresh context (its own cookies), or one carrying another's session;
        `java_script_enabled=False` for a browser that runs no script at all."""
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport,
            storage_state=storage_state,
            java_script_enabled=java_script_enabled,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"JavaScript error: {error}"))
        page.on("response", self._on_response)
        return page

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        # CSP violations ("Refused to apply inline style…") and script errors land here.
        self.errors.append(f"console error: {message.text} ({message.location.get('url')})")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.errors.append(
                f"HTTP {response.status} for {response.request.method} {response.url}"
            )

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browser_users(chromium_browser, live_server) -> Iterator[BrowserUsers]:
    users = BrowserUsers(browser=chromium_browser, base_url=live_server.url)
    yield users
    users.close()


class Screenshots:
    """Full-page screenshots numbered in the order taken: `NN-step-name.png`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken: list[Path] = []
        folder.mkdir(parents=True, exist_ok=True)

    def take(self, page, name: str) -> Path:
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@pytest.fixture
def screenshots() -> Screenshots:
    return Screenshots(ARTIFACTS)


def axe_violations(page) -> list[str]:
    """What axe-core finds wrong on the page as it is now (all its default rules, WCAG
    2.x A and AA and best practices), one line per rule broken; empty when none.

    axe is run through Playwright's `evaluate`, the browser's debugging protocol,
    which the page's Content Security Policy does not govern: the policy stays
    exactly as users get it, and the page's own scripts are still checked by it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE.read_text())
    results = page.evaluate("() => window.axe.run(document)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}: "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
    ]


def scrolls_sideways(page) -> bool:
    """Whether the page is wider than the window (a phone user would scroll sideways)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
