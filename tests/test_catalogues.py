"""Every interface string is in every catalogue, translated, and nothing is fuzzy."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_catalogue_is_complete_and_nothing_is_fuzzy(language):
    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert catalogue.percent_translated() == 100


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
