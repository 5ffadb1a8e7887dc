"""Shared fixtures: three named analysts, the real database, real Chromium.

alice and bob are analysts; charlie leads the team (member of the `leads` group).
"""

from __future__ import annotations

import copy
import inspect
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
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


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    tmp_path_factory,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
) -> Iterator[None]:
    """The test database: under pytest-xdist a copy of one template migrated once for the run
    (tests/databases.py); otherwise pytest-django's own."""
    from tests import databases

    verbosity = request.config.option.verbose
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and django_db_use_migrations and not django_db_keepdb:
        # The directory all of a run's processes share (xdist's recipe for once-per-run set-up).
        workspace = tmp_path_factory.getbasetemp().parent
        with django_db_blocker.unblock():
            old_name = databases.set_up(workspace, worker, verbosity)
        yield
        with django_db_blocker.unblock():
            databases.tear_down(old_name, verbosity)
        return
    # Otherwise pytest-django's own fixture, run as it is.
    from pytest_django.fixtures import django_db_setup as own

    yield from own.__wrapped__(
        request,
        django_test_environment,
        django_db_blocker,
        django_db_use_migrations,
        django_db_keepdb,
        django_db_createdb,
        django_db_modify_db_settings,
    )


def pytest_sessionfinish(session) -> None:
    """In the process that ran the xdist workers: drop the template they copied their databases from."""
    if hasattr(session.config, "workerinput") or not getattr(session.config.option, "numprocesses", None):
        return
    from pytest_django.plugin import blocking_manager_key

    from tests import databases

    with session.config.stash[blocking_manager_key].unblock():
        databases.drop_template()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache (the reader caches vocabulary suggestions), and with no
    process memory of recent suggestions."""
    from django.core.cache import cache

    from annotations.suggestions import forget_recent

    cache.clear()
    forget_recent()
    yield


def new_user(name: str) -> User:
    """alice, bob, dave (analysts) or charlie (a lead), as the fixtures of those names make them."""
    user = User.objects.create_user(name, f"{name}@example.org", PASSWORD)
    if name == "charlie":
        from annotations.permissions import leads_group

        # leads_group(): the group with the vocabulary's permissions, whatever a test did to them.
        user.groups.add(leads_group())
    return user


@pytest.fixture
def alice(request, db) -> User:
    return person(request, "alice")


@pytest.fixture
def bob(request, db) -> User:
    return person(request, "bob")


@pytest.fixture
def charlie(request, db) -> User:
    return person(request, "charlie")


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker) -> Iterator[None]:
    """One transaction around a module's tests, for data built once and shared by them: a module-scoped
    fixture that takes this one writes its rows inside it. Each test's own transaction (pytest-django's
    `db`) nests in it as a savepoint, rolled back after the test, so every test starts from the same
    shared rows; this one is rolled back after the module's last test. As Django's TestCase does with
    setUpTestData, for the same reason: many modules' worlds cost more to build than most of their
    tests cost to run. Only for modules whose tests all use `db` (never `transactional_db` or the live
    server, whose threads could not see the rows). `cast` below is the usual way in."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # As TestCase marks its own class-wide transaction: code under test may open a durable block.
        outer._from_testcase = True
        outer.__enter__()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def dave(request, db) -> User:
    """An analyst who is not a lead (the one left out of an assignment, in the independent-coding tests)."""
    return person(request, "dave")


def person(request, name: str) -> User:
    """A new user, or the one of the module's shared cast if its `build_cast` takes that name."""
    build = getattr(request.module, "build_cast", None)
    if build is not None and name in inspect.signature(build).parameters:
        return request.getfixturevalue("cast").people[name]
    return new_user(name)


@dataclass
class Cast:
    people: dict[str, User]
    world: object


@pytest.fixture(scope="module")
def _module_cast(request, module_transaction, django_db_blocker) -> Cast:
    build = request.module.build_cast
    with django_db_blocker.unblock():
        people = {name: new_user(name) for name in inspect.signature(build).parameters}
        return Cast(people, build(**people))


@pytest.fixture
def cast(_module_cast, db) -> Cast:
    """The world of a module that defines `build_cast(alice, bob, …)`, built once for the module's tests
    (module_transaction) with the users its parameters name, who are then the module's `alice`, `bob`…
    Each test gets its own copy of the instances, as Django's TestCase gives each test its own copy of
    setUpTestData's, so that one test's changes to them in memory do not reach the next (its changes
    to the rows are rolled back). For modules whose every database test starts from that world."""
    return copy.deepcopy(_module_cast)


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


# Stops the timers a page left running (htmx's delayed triggers, the job page's polling) before its
# document is emptied: nothing it scheduled reaches the live server during the next test.
STOP_TIMERS_JS = """() => {
  const last = setTimeout(() => {}, 0);
  for (let id = 1; id <= last; id++) { clearTimeout(id); clearInterval(id); }
}"""
# The events Playwright itself listens to on a page and on its context.
OWN_EVENTS = {"close", "crash"}


class Tab:
    """The one browser tab of a test process, handed to each test that takes `page` and emptied after it.

    A new browser context with its first tab costs Chromium about 1.3 s of CPU here (Playwright's set-up
    of a new renderer process), against 0.3 s for a page load in a tab already open: over the browser
    tests that was most of the CPU `make test` spent in Chromium. After each test the tab's timers are
    stopped, its document emptied, its routes and cookies dropped; a tab that a test left with its own
    listeners, with a second tab beside it, closed, or after a failure is closed with its context and
    the next test gets a new one. A test that needs other browser settings (touch, another window
    size at start, JavaScript off, a second analyst) makes its own context with `browser.new_context`.
    """

    VIEWPORT = {"width": 1280, "height": 900}

    def __init__(self, browser) -> None:
        self.browser = browser
        self.page = None

    def take(self):
        if self.page is None:
            context = self.browser.new_context(viewport=self.VIEWPORT, accept_downloads=True)
            self.page = context.new_page()
        elif self.page.viewport_size != self.VIEWPORT:
            self.page.set_viewport_size(self.VIEWPORT)
        self.page.set_default_timeout(10_000)
        self.page.set_default_navigation_timeout(10_000)
        return self.page

    def give_back(self, failed: bool) -> None:
        page, self.page = self.page, None
        if page is None:
            return
        context = page.context
        try:
            if not failed and self._clean(page):
                page.unroute_all(behavior="ignoreErrors")
                page.evaluate(STOP_TIMERS_JS)
                page.set_content("")
                context.clear_cookies()
                self.page = page
                return
        except Exception:  # a crashed or closed tab: closed below, and the next test gets a new one
            pass
        context.close()

    @staticmethod
    def _clean(page) -> bool:
        # Playwright has no public count of a page's listeners; its event emitter (`_impl_obj`) has one.
        impl, context_impl = getattr(page, "_impl_obj", None), getattr(page.context, "_impl_obj", None)
        if impl is None or context_impl is None or page.is_closed() or len(page.context.pages) != 1:
            return False
        return not (set(impl.event_names()) - OWN_EVENTS or set(context_impl.event_names()) - OWN_EVENTS)


@pytest.fixture(scope="session")
def _tab(browser, live_server, django_db_setup) -> Iterator[Tab]:
    # After the live server and the test database, so that it closes before them: its kept-alive
    # connections hold live-server threads open, each with a database connection.
    tab = Tab(browser)
    yield tab
    tab.give_back(failed=True)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.02)


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[_FAILED] = True
    return report


@pytest.fixture
def page(_tab, request) -> Iterator[object]:
    """The process's one tab (Tab), on the live server; a test that takes it runs with transactions."""
    yield _tab.take()
    _tab.give_back(failed=request.node.stash.get(_FAILED, False))


@pytest.fixture
def page_without_javascript(page) -> Iterator[object]:
    """The process's tab with JavaScript off until the test ends: what Playwright's
    `new_context(java_script_enabled=False)` does (DevTools' Emulation.setScriptExecutionDisabled), on
    the tab already open, without a new context's renderer (about 0.8 s of Chromium's CPU)."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.set_content("<title>off</title><script>document.title = 'on'</script>")
    assert page.title() == "off", "the page's scripts still run"
    yield page
    try:
        devtools.send("Emulation.setScriptExecutionDisabled", {"value": False})
        devtools.detach()
    except Exception:  # a closed or crashed tab: `page` closes its context and the next test gets a new one
        pass


def use_session(page, live_server, username: str) -> None:
    """The tab now browses as `username` (whose session cookie replaces the one it had), as a colleague at
    another browser would: nothing of the earlier analyst's is kept in the page (no local storage)."""
    from django.conf import settings

    client = Client()
    client.force_login(User.objects.get(username=username))
    name = settings.SESSION_COOKIE_NAME
    page.context.clear_cookies()
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])


@pytest.fixture
def console_errors(page) -> Iterator[list[str]]:
    """The errors the page writes to the browser's console, as they come, while the test runs; the
    listener goes with the test, so the tab is handed on (see Tab)."""
    errors: list[str] = []

    def note(message) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", note)
    yield errors
    page.remove_listener("console", note)


def log_in(page, live_server, username: str, password: str = PASSWORD, to: str = "/") -> None:
    """Logged in as `username` (whose password this is), on the page at `to` (the Articles page unless
    said): the session Django's login() makes, handed to the browser as its cookie. The login form's
    own page and answer are left to the tests of the form (test_browser_reader_keyboard,
    test_browser_curation's lockout, test_browser_screens): here they cost two page loads in every
    browser test."""
    user = User.objects.get(username=username)
    assert user.check_password(password), f"{username}'s password is not {password!r}"
    use_session(page, live_server, username)
    page.goto(f"{live_server.url}{to}")


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


def load_demo(stdout=None) -> str:
    """Load the demo as `make run` does: with DEBUG on (load_demo refuses to run in production). After
    the first time in a test process, copied back where it can be (tests/demo_copy.py)."""
    from tests import demo_copy

    return demo_copy.load_demo(stdout)


def shared_path(*parts: str) -> Path:
    return SHARED.joinpath(*parts)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None
