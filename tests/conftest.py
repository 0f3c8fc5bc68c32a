import os
import shutil
from urllib.parse import urlsplit

import pytest

from tests.browser_support import CHROMIUM_ARGS

# Playwright's sync API keeps an event loop running in the main thread; the ORM must still work there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _german_to_start_with():
    """A request through the test client leaves its language active in this thread: start each test in German."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache is a real Redis shared by all tests: start each test with it and the per-process caches empty."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (Playwright allows one sync instance per thread)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium is not installed: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page that records every request going to another origin than the live server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    own = urlsplit(live_server.url).netloc
    page.foreign_requests = []

    def record(request):
        if not request.url.startswith("data:") and urlsplit(request.url).netloc not in ("", own):
            page.foreign_requests.append(request.url)

    page.on("request", record)
    # Anything the Content-Security-Policy blocks shows up as a console error.
    page.csp_errors = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.csp_errors.append(message.text),
    )
    # A form refused by the CSRF check (403) fails every browser test, whatever it asserts itself; a test
    # that provokes one on purpose empties the list.
    page.refused_posts = []
    page.on(
        "response",
        lambda response: (
            response.request.method == "POST"
            and response.status == 403
            and page.refused_posts.append(response.url)
        ),
    )
    yield page
    context.close()
    assert page.refused_posts == [], "a form's POST was refused (403) in the browser"


@pytest.fixture(scope="session")
def caldav():
    """A real CalDAV server (Radicale), started on first use and stopped at the end of the run."""
    from tests.calendar_support import CalDAV
    from tests.services import start_radicale

    return CalDAV(start_radicale())


@pytest.fixture
def invites_stored_in_caldav(request, caldav):
    """After the test: every invite it wrote to the outbox is stored in the CalDAV server (and accepted).
    Used autouse by the notification and mediator tests (their conftest.py)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    # Requested here so that the database is still there when this fixture finishes.
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    yield
    from tests.calendar_support import store_all_invites

    store_all_invites(caldav)


@pytest.fixture
def run_beat(monkeypatch, time_machine):
    """The feedback beat at a given time, its per-survey tasks run at once (queued with ids only)."""
    from feedback import tasks

    def delay(survey_id):
        assert isinstance(survey_id, int)
        return tasks.invite_participants(survey_id)

    monkeypatch.setattr(tasks.invite_participants, "delay", delay)

    def run(at):
        time_machine.move_to(at, tick=False)
        return tasks.open_due_surveys()

    return run
