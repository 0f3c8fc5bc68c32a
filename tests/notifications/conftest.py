import pytest


@pytest.fixture(autouse=True)
def _invites_stored_in_caldav(invites_stored_in_caldav):
    """Every invite these tests produce is stored in a real CalDAV server after the test (tests/conftest.py)."""
