"""Every interface string is in every catalogue, translated, and nothing is fuzzy."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


PLAIN_GERMAN = "de-simple"
# Plain German rewrites what participants read; everything else falls back to standard German.
PARTICIPANT_FACING = (
    "templates/registrations/",
    "templates/fachtag/",
    "templates/emails/",
    "templates/base.html",
    "templates/403_csrf.html",
    "templates/404.html",
    "templates/429.html",
    "templates/500.html",
    "templates/503.html",
    "templates/includes/",
    "templates/forms/",
    "registrations/forms.py",
    "registrations/errors.py",
    "registrations/validators.py",
    "registrations/views.py",
    "registrations/services/selfservice.py",
)


def catalogue(language: str) -> polib.POFile:
    from django.utils.translation import to_locale

    return polib.pofile(str(ROOT / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po"))


def test_there_are_at_least_ten_complete_languages_and_plain_german():
    codes = [code for code, _name in settings.LANGUAGES]
    assert len([code for code in codes if code != PLAIN_GERMAN]) >= 10
    assert PLAIN_GERMAN in codes


def test_plain_german_covers_every_participant_facing_string():
    plain = catalogue(PLAIN_GERMAN)
    missing = [
        e.msgid
        for e in plain
        if any(o[0].startswith(PARTICIPANT_FACING) for o in e.occurrences) and not e.translated()
    ]
    assert missing == []
    assert [e.msgid for e in plain.fuzzy_entries()] == []


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "de-simple"])
def test_the_catalogue_is_complete_and_nothing_is_fuzzy(language):
    entries = catalogue(language)
    assert [e.msgid for e in entries.untranslated_entries()] == []
    assert [e.msgid for e in entries.fuzzy_entries()] == []
    assert entries.percent_translated() == 100


def test_no_string_in_the_code_or_templates_is_missing_from_the_catalogues(tmp_path):
    """Extract the strings afresh (as `make messages` does) into a copy and compare with the catalogue."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__")
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "de",
            "--no-obsolete",
            "--ignore=var",
            "--ignore=tests",
            "--ignore=bench",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/de/LC_MESSAGES/django.po")) if not e.obsolete}
    current = {e.msgid for e in polib.pofile(str(ROOT / "locale/de/LC_MESSAGES/django.po")) if not e.obsolete}
    assert sorted(fresh - current) == []
