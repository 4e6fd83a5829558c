"""Fixtures and helpers for browser tests: headless Debian Chromium driven by Playwright.

One browser runs per test session; every test gets a fresh context and page pointed at
pytest-django's ``live_server``. The page is watched: console errors, uncaught exceptions
(CSP violations arrive as console errors) and requests to any other host fail the test.

Every app's tests get them from ``wattwerk/conftest.py``, which imports them once::

    from wattwerk.core.tests.browser import *  # noqa: F403

and mark each test ``@pytest.mark.browser``.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "geheim-123"  # the password UserFactory gives every user
TIMEOUT_MS = 10_000

__all__ = ["browser", "force_login", "page", "page_watch", "pytest_collection_modifyitems"]


@dataclass
class PageWatch:
    """What a page did besides rendering: console errors, uncaught exceptions, requests."""

    origin: str
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def _on_console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # "Failed to load resource" names the resource only in its location.
        source = message.location.get("url", "")
        where = page.url if source in ("", page.url) else f"{page.url} ({source})"
        self.problems.append(f"{where}: {message.text}")

    @property
    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(f"{self.origin}/")]

    def assert_clean(self) -> None:
        """Fail on what was seen so far, and forget it, so each problem is reported once."""
        problems, foreign = self.problems, self.foreign_requests
        self.problems, self.requests = [], []
        assert not problems, "the browser reported errors:\n" + "\n".join(problems)
        assert not foreign, "requests to hosts other than the live server:\n" + "\n".join(foreign)


@pytest.hookimpl(trylast=True)  # after pytest-django has put the tests in its order
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last.

    Once the session's browser is up, every later test runs beside Playwright's event loop and
    with DJANGO_ALLOW_ASYNC_UNSAFE set (see ``browser``), which subprocesses inherit too (e.g.
    ``check --deploy`` then reports async.E001). Ordering keeps all other tests clear of both.
    """
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("WATTWERK_SKIP_BROWSER") == "1":
            pytest.skip(f"{CHROMIUM} is missing and WATTWERK_SKIP_BROWSER=1")
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium. `make test` "
            "installs it (target browser-deps); set WATTWERK_SKIP_BROWSER=1 to skip them.",
            pytrace=False,
        )
    # Playwright's sync API keeps an asyncio loop "running" in this thread from start() to
    # stop(), so Django refuses every ORM call made here (test data, transactional_db flush)
    # with SynchronousOnlyOperation. The calls are plain synchronous ones on the thread that
    # owns the connection, so the check is a false alarm; it is off exactly while Playwright
    # runs, which pytest_collection_modifyitems below confines to the end of the session.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def page_watch(live_server) -> PageWatch:
    """The watch on ``page``; clear ``page_watch.problems`` after provoking an expected error."""
    return PageWatch(origin=live_server.url)


@pytest.fixture
def page(browser: Browser, live_server, page_watch: PageWatch) -> Iterator[Page]:
    """A fresh page on the live server (relative URLs work) that must stay free of errors."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        timezone_id=settings.TIME_ZONE,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page_watch.attach(page)
    yield page
    context.close()
    page_watch.assert_clean()


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill and submit the login form; stays on whatever page the form leads to."""
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Anmelden").click()


@pytest.fixture
def force_login(page: Page, live_server) -> Callable[[object], None]:
    """``force_login(user)``: log ``page`` in without the form, for journeys about other things."""

    def login(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return login
