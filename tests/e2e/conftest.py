"""Browser tests: the app under pytest-django's live server, driven in Debian's Chromium.

One Chromium for the whole e2e package and a fresh context (cookies, storage) per test.
The demo is loaded per test from the management command, as a teacher would load it.

Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses
ORM calls it thinks come from async code: DJANGO_ALLOW_ASYNC_UNSAFE turns that check off
(the calls are in fact synchronous). The live server reads committed rows only, hence
transactional tests (each file marks itself `django_db(transaction=True,
serialized_rollback=True)`: the rollback puts back rows made by migrations, such as groups
and their permissions, that a flush deletes).
"""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

from exercises import demo
from exercises.models import Assignment

from .steps import DESKTOP

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the networking flags Chromium waits on services it cannot reach on a closed
# network; without --no-sandbox it cannot start as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

# Runs before the app's own scripts on every page; reports to the test through a binding,
# which outlives navigations.
WATCH_PAGE = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


class OneRequestAtATime(WSGIServer):
    """The live server without a thread per request. On SQLite the test database lives in
    memory and every request thread would share its one connection: two autosaves at once
    then break each other's transactions ("no such savepoint"). Served in turn, they
    cannot. (Without threads Django also closes each HTTP connection after its response,
    so one browser tab cannot hold the server.)"""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def live_server_in_turn():
    if connections["default"].vendor != "sqlite":
        yield  # PostgreSQL: a connection per request thread, as in production
        return
    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = OneRequestAtATime
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture(scope="package")
def browser():
    """One Chromium for every e2e test. Package-scoped rather than session-scoped so that
    Playwright's loop is stopped before any test outside this folder starts its own."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    with sync_playwright() as playwright:
        # From here on an event loop runs in this thread, so Django keeps this thread's
        # database connections per async context: the tests get new connection objects,
        # which lack the copy of the migrated data that serialized rollback restores.
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A browser context whose pages report script errors and CSP violations."""

    def __init__(self, context):
        self.context = context
        self.errors = []
        context.set_default_timeout(TIMEOUT_MS)
        context.expose_binding("__cspViolation", self._csp)
        context.add_init_script(WATCH_PAGE)
        context.on("page", self._watch)

    def _watch(self, page):
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _csp(self, source, violation):
        self.errors.append(f"{source['page'].url}: CSP refused {violation}")

    def new_page(self):
        return self.context.new_page()


@pytest.fixture
def new_context(browser):
    """Open contexts on demand (a phone and a desktop in one test); each is checked at the
    end for script errors and CSP violations, then closed."""
    opened = []

    def open_context(**options):
        options.setdefault("viewport", DESKTOP)
        watched = Watched(browser.new_context(**options))
        opened.append(watched)
        return watched

    yield open_context
    problems = []
    for watched in opened:
        problems += watched.errors
        watched.context.close()
    assert problems == [], "Script errors or CSP violations:\n" + "\n".join(problems)


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def demo_assignment(transactional_db):
    """The demo as `make run` loads it: the Great Purge unit, the accounts, the class and
    "The Moscow trials: Duranty vs. Trotsky"."""
    call_command("load_demo", stdout=StringIO())
    return Assignment.objects.get(
        title=demo.ASSIGNMENT_TITLE, classroom__join_code=demo.DEMO_JOIN_CODE
    )
