"""Shared fixtures: three named analysts, the real database, real Chromium.

alice and bob are analysts; charlie leads the team (member of the `leads` group).
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test (not the live server) then look "async" to Django's safety check.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# ../shared beside the repository; MARGINALIA_SHARED points elsewhere (a git worktree has no ../shared).
SHARED = Path(os.environ.get("MARGINALIA_SHARED") or Path(__file__).resolve().parent.parent.parent / "shared")
PASSWORD = "correct-horse-battery"


# Test processes that drive Chromium at once under pytest-xdist (`make test`: `--dist loadgroup`).
BROWSER_PROCESSES = 2


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the group into each test's id
def pytest_collection_modifyitems(items) -> None:
    """The browser tests are dealt in turn to two groups, each run one test after another in one
    process: two Chromiums at most on the two cores, while the other processes share the rest. A
    browser test starved of CPU by three others was the suite's flaky failure (its timing-sensitive
    waits); all in one process, they took 2.6 minutes end to end."""
    browser_tests = (item for item in items if item.get_closest_marker("browser"))
    for number, item in enumerate(browser_tests):
        item.add_marker(pytest.mark.xdist_group(f"browser-{number % BROWSER_PROCESSES}"))


@pytest.fixture(autouse=True)
def _browser_tests_stay_in_their_group(request) -> None:
    """Fails a browser test that xdist scheduled outside its group: the grouping broke once without a
    sound (pytest 9.2 with pytest-xdist 3.8), and the suite ran four Chromiums at once."""
    if request.node.get_closest_marker("browser") and getattr(request.config.option, "loadgroup", False):
        assert "@browser-" in request.node.nodeid, f"{request.node.nodeid} is in no xdist group"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache (the reader caches vocabulary suggestions)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", "alice@example.org", PASSWORD)


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user("bob", "bob@example.org", PASSWORD)


@pytest.fixture
def charlie(db) -> User:
    from annotations.permissions import leads_group

    user = User.objects.create_user("charlie", "charlie@example.org", PASSWORD)
    # leads_group(): the group with the vocabulary's permissions, whatever a test did to them.
    user.groups.add(leads_group())
    return user


@pytest.fixture
def dave(db) -> User:
    """An analyst who is not a lead (the one left out of an assignment, in the independent-coding tests)."""
    return User.objects.create_user("dave", "dave@example.org", "x")


def as_user(user: User) -> Client:
    """A test client logged in as `user` (no login form, no password hashing)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Logged in as `username` (whose password this is), on the Articles page: the session Django's
    login() makes, handed to the browser as its cookie. The login form's own page and answer are left
    to the tests of the form (test_browser_reader_keyboard, test_browser_curation's lockout,
    test_browser_screens): here they cost two page loads in every browser test."""
    from django.conf import settings

    user = User.objects.get(username=username)
    assert user.check_password(password), f"{username}'s password is not {password!r}"
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])
    page.goto(f"{live_server.url}/")


# True once no htmx request has been in flight for 100 ms (htmx marks a requesting element, or its
# indicator, with `htmx-request`). Polled every 25 ms by `settle`.
QUIET_JS = """() => {
  if (document.readyState !== "complete" || document.querySelector(".htmx-request")) {
    window.__marginaliaQuietSince = null;
    return false;
  }
  const now = performance.now();
  if (window.__marginaliaQuietSince == null) window.__marginaliaQuietSince = now;
  return now - window.__marginaliaQuietSince >= 100;
}"""


def settle(page) -> None:
    """Wait until the page has loaded and its htmx requests (lazy side lists, counts) have finished:
    Playwright's "networkidle" waits a fixed 500 ms after the last request, which the screen tests paid
    once per screen."""
    page.wait_for_function(QUIET_JS, polling=25)


def load_demo(stdout=None) -> None:
    """Load the demo as `make run` does: with DEBUG on (load_demo refuses to run in production)."""
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=stdout or io.StringIO())


def shared_path(*parts: str) -> Path:
    return SHARED.joinpath(*parts)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None
