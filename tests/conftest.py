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


def pytest_collection_modifyitems(items) -> None:
    """Under pytest-xdist (`make test`: `--dist loadgroup`) the browser tests run one after another in
    one process while the others share the rest: one Chromium at a time, so that a browser test is not
    starved of CPU by three others (their timing-sensitive waits were the suite's flaky failures)."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


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
    # leads_group(), not get_or_create: a browser test's flush empties the group migration 0004 made.
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
    """Log in through the real login form."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


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
