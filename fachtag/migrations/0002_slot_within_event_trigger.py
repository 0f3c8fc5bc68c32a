"""A time slot lies within its event: enforced by PostgreSQL triggers (a CHECK cannot see another table).

The triggers are deferred to commit, so an event and its slots can be moved together in one transaction.

On SQLite (the quick start) model validation in the admin guards the same rule.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION fachtag_slot_within_event() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM fachtag_event e
        WHERE e.id = NEW.event_id AND (NEW.starts_at < e.starts_at OR NEW.ends_at > e.ends_at)
    ) THEN
        RAISE EXCEPTION 'time slot % lies outside its event %', NEW.id, NEW.event_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'slot_within_event';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION fachtag_event_contains_slots() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM fachtag_timeslot s
        WHERE s.event_id = NEW.id AND (s.starts_at < NEW.starts_at OR s.ends_at > NEW.ends_at)
    ) THEN
        RAISE EXCEPTION 'event % would leave its time slots outside', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'slot_within_event';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER slot_within_event
    AFTER INSERT OR UPDATE OF starts_at, ends_at, event_id ON fachtag_timeslot
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fachtag_slot_within_event();

CREATE CONSTRAINT TRIGGER event_contains_slots
    AFTER UPDATE OF starts_at, ends_at ON fachtag_event
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fachtag_event_contains_slots();
"""

DROP = """
DROP TRIGGER IF EXISTS slot_within_event ON fachtag_timeslot;
DROP TRIGGER IF EXISTS event_contains_slots ON fachtag_event;
DROP FUNCTION IF EXISTS fachtag_slot_within_event();
DROP FUNCTION IF EXISTS fachtag_event_contains_slots();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("fachtag", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
