"""Each registration's short check-in code (existing ones get theirs here), and walk-ins without an address."""

from django.db import migrations, models
from django.db.models import Q

import registrations.codes


def give_codes(apps, schema_editor):
    """A code of its own for every registration, unique per event (AddField gave them all the same one)."""
    Registration = apps.get_model("registrations", "Registration")
    taken: dict[int, set[str]] = {}
    changed = []
    for registration in Registration.objects.only("pk", "event_id").order_by("pk").iterator():
        codes = taken.setdefault(registration.event_id, set())
        code = registrations.codes.new_short_code()
        while code in codes:
            code = registrations.codes.new_short_code()
        codes.add(code)
        registration.short_code = code
        changed.append(registration)
        if len(changed) >= 1000:
            Registration.objects.bulk_update(changed, ["short_code"])
            changed = []
    Registration.objects.bulk_update(changed, ["short_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0009_staff_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="short_code",
            field=models.CharField(
                default=registrations.codes.new_short_code,
                editable=False,
                max_length=8,
                verbose_name="check-in code",
            ),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.UniqueConstraint(fields=("event", "short_code"), name="one_short_code_per_event"),
        ),
        migrations.AlterField(
            model_name="registration",
            name="email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="e-mail address"),
        ),
        migrations.RemoveConstraint(
            model_name="registration",
            name="one_active_registration_per_email",
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.UniqueConstraint(
                condition=Q(status__in=["pending", "confirmed", "offered", "waitlisted"]) & ~Q(email=""),
                fields=("event", "email"),
                name="one_active_registration_per_email",
            ),
        ),
    ]
