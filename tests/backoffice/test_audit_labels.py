"""Every action the back office writes to the audit log is named in words (backoffice.audit.ACTION_LABELS),
in every staff language: read off the code that writes the entries, so a new action without words fails."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from backoffice.audit import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2]
# audit.record(request, "code", ...), AuditEntry.objects.create(..., action="code"), the programme page's
# changes, which return their action's code, and services handing one on (action="code").
WRITTEN = re.compile(r'audit\.record\(\s*request,\s*"(\w+)"|action="(\w+)"|"(programme_\w+)"')


def written_actions() -> set[str]:
    found = set()
    for path in [*(ROOT / "backoffice").glob("*.py"), *(ROOT / "mediators").glob("*.py")]:
        for match in WRITTEN.finditer(path.read_text()):
            found.add(next(group for group in match.groups() if group))
    return found


def test_the_code_is_read_for_the_actions_it_writes():
    actions = written_actions()
    assert {
        "view_registration",
        "event_copy",
        "publish",
        "translations",
        "programme_workshop_cancel",
    } <= actions


def test_every_action_written_has_words():
    assert sorted(written_actions() - set(ACTION_LABELS)) == []


@pytest.mark.parametrize("language", [code for code, _name in settings.STAFF_LANGUAGES if code != "de"])
def test_the_words_are_translated_into_every_staff_language(language):
    with translation.override("de"):
        german = {action: str(label) for action, label in ACTION_LABELS.items()}
    with translation.override(language):
        same = [action for action, label in ACTION_LABELS.items() if str(label) == german[action]]
    assert same == [], language
