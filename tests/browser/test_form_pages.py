"""Every URL that takes a form has a browser test that sends it (the registry in form_pages.py)."""

import importlib
import re
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests.browser.form_pages import FORM_PAGES, NO_FORM

ROOT = Path(settings.BASE_DIR)


def url_names(patterns=None, namespace=""):
    """Every named URL of the URLconf as reverse() takes it, the admin's left out (see form_pages.py)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from url_names(entry.url_patterns, ":".join(filter(None, [namespace, entry.namespace])))
        elif isinstance(entry, URLPattern) and entry.name:
            yield ":".join(filter(None, [namespace, entry.name]))


def test_the_walk_finds_our_apps_and_allauth_but_not_the_admin():
    names = set(url_names())
    assert {"registrations:signup", "backoffice:capacity", "mediators-staff:pool", "account_login"} <= names
    assert not any(name.startswith("admin:") for name in names)


def test_every_url_has_a_browser_test_for_its_form_or_is_listed_as_taking_none():
    names = set(url_names())
    assert sorted(names - set(FORM_PAGES) - set(NO_FORM)) == [], (
        "add each to FORM_PAGES (with its test) or NO_FORM"
    )
    assert sorted(set(FORM_PAGES) & set(NO_FORM)) == []
    assert sorted((set(FORM_PAGES) | set(NO_FORM)) - names) == [], "registry entries for URLs that are gone"


def test_every_registered_browser_test_exists():
    missing = []
    for name, tests in FORM_PAGES.items():
        assert tests, name
        for node in tests:
            path, _, function = node.partition("::")
            module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
            if not callable(getattr(module, function, None)) or not function.startswith("test_"):
                missing.append(f"{name}: {node}")
            elif "browser" not in {mark.name for mark in getattr(module, "pytestmark", [])}:
                missing.append(f"{name}: {node} is not a browser test")
    assert missing == []


def test_no_template_posts_a_form_to_a_url_listed_as_taking_none():
    action = re.compile(r"""<form\b[^>]*method="post"[^>]*action="\{% url '([\w:-]+)'""", re.IGNORECASE)
    posted = {
        name
        for template in (ROOT / "templates").rglob("*.html")
        for name in action.findall(template.read_text(encoding="utf-8"))
    }
    assert posted, "the pattern no longer finds the forms' targets"
    assert sorted(posted & set(NO_FORM)) == []
    assert sorted(posted - set(FORM_PAGES)) == []
