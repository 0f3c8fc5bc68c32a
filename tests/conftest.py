import os

import pytest

# Playwright's sync API keeps an event loop running in the main thread; the ORM must still work there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache is a real Redis shared by all tests: start each test with it empty."""
    from django.core.cache import cache

    cache.clear()
    yield
