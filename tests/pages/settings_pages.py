"""Test settings until `pages` is wired into config/: the project's test settings plus this app.

Run with `.venv/bin/pytest tests/pages --ds=tests.pages.settings_pages`. Once config/settings.py
lists "pages" and config/urls.py includes `pages.urls`, this module changes nothing and can go.
"""

from config.settings_test import *  # noqa: F403
from config.settings_test import INSTALLED_APPS

if "pages" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "pages"]
ROOT_URLCONF = "tests.pages.urls"
