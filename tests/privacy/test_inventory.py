"""PRIV-01: every field is in the inventory (docs/privacy.md); PRIV-05: the export holds every personal one."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from notifications.models import OutboxMessage
from registrations.models import Booking, Child, Registration, RegistrationLog
from registrations.services import privacy

INVENTORY = Path(settings.BASE_DIR) / "docs" / "privacy.md"
MODELS = [Registration, Child, Booking, RegistrationLog, OutboxMessage]
ROW = re.compile(r"^\| `(\w+)\.(\w+)` \|")


def inventory() -> dict[str, dict[str, str]]:
    """{"personal": {"Registration.name": "name", …}, "technical": {"Registration.uuid": "", …}}."""
    sections: dict[str, dict[str, str]] = {"personal": {}, "technical": {}}
    current = None
    for line in INVENTORY.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = {"## Personal fields": "personal", "## Technical fields": "technical"}.get(
                line.split(" (")[0]
            )
        elif current and (match := ROW.match(line)):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            sections[current][f"{match[1]}.{match[2]}"] = (
                cells[-1].strip("`") if current == "personal" else ""
            )
    return sections


def test_every_model_field_is_in_the_inventory():
    listed = inventory()
    documented = set(listed["personal"]) | set(listed["technical"])
    fields = {f"{model.__name__}.{field.name}" for model in MODELS for field in model._meta.concrete_fields}
    assert fields - documented == set(), "add these fields to docs/privacy.md"
    assert documented - fields == set(), "these fields in docs/privacy.md do not exist"
    assert not set(listed["personal"]) & set(listed["technical"])


def has_key(data, path: str) -> bool:
    """`children[].age`: every element of the list under children has the key age (and there is one)."""
    head, _dot, rest = path.partition(".")
    if head.endswith("[]"):
        items = data.get(head[:-2])
        return bool(items) and all(has_key(item, rest) for item in items)
    if head not in data:
        return False
    return has_key(data[head], rest) if rest else True


@pytest.mark.django_db
def test_the_export_holds_every_personal_field_of_the_inventory(populated):
    yasmin = populated["people"][0]
    exported = privacy.export_person([yasmin])["registrations"][0]

    missing = [
        field for field, key in inventory()["personal"].items() if not key or not has_key(exported, key)
    ]
    assert missing == []
