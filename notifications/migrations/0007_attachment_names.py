"""Messages queued before attachments were named: their dotted code paths become the registered names."""

from django.db import migrations

NAMES = {
    "registrations.qr.qr_attachment": "registration-qr",
    "mediators.certificates.attachment": "mediator-certificate",
}


def name_attachments(apps, schema_editor):
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    for message in OutboxMessage.objects.filter(sent_at=None, failed_at=None).iterator():
        specs = message.context.get("attachments") or []
        if not any("factory" in spec for spec in specs):
            continue
        message.context["attachments"] = [
            {"name": NAMES.get(spec["factory"], spec["factory"]), "kwargs": spec["kwargs"]}
            if "factory" in spec
            else spec
            for spec in specs
        ]
        message.save(update_fields=["context"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_lanes_and_leases")]

    operations = [migrations.RunPython(name_attachments, migrations.RunPython.noop)]
