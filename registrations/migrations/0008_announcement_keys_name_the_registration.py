"""Organisers' announcements were keyed `announcement:<id>:<uuid>`; like every message to a participant they
are now keyed by her registration first (`registration:<uuid>:announcement:<id>`, registrations/message_keys.py),
so that her export and erasure find them without knowing the back office's key format."""

from django.db import migrations

OLD_PREFIX = "announcement:"


def forwards(apps, schema_editor):
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    renamed = []
    for message in OutboxMessage.objects.filter(key__startswith=OLD_PREFIX).only("pk", "key").iterator():
        _prefix, announcement_id, uuid_hex = message.key.split(":")
        message.key = f"registration:{uuid_hex}:announcement:{announcement_id}"
        renamed.append(message)
    OutboxMessage.objects.bulk_update(renamed, ["key"], batch_size=500)


def backwards(apps, schema_editor):
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    renamed = []
    for message in OutboxMessage.objects.filter(key__regex=r"^registration:[0-9a-f]{32}:announcement:\d+$"):
        _prefix, uuid_hex, _kind, announcement_id = message.key.split(":")
        message.key = f"{OLD_PREFIX}{announcement_id}:{uuid_hex}"
        renamed.append(message)
    OutboxMessage.objects.bulk_update(renamed, ["key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0007_calendar_one_uid"),
        ("notifications", "0005_plain_german"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
