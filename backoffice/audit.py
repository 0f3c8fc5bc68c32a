from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from backoffice.models import AuditEntry
from config.http import client_ip
from registrations.models import Registration


def record(request, action: str, *, event=None, registration=None, **detail) -> None:
    """Write one audit entry for a staff action (ids and field names only)."""
    AuditEntry.objects.create(
        actor=request.user,
        action=action,
        event=event,
        registration_id=registration.pk if registration is not None else None,
        detail=detail,
        ip=client_ip(request) or None,
    )


def record_mediators_action(sender, *, request, action: str, event, detail: dict, **signal) -> None:
    """The receiver of mediators.audit.staff_action (connected in BackofficeConfig.ready): mediators sits
    below the back office and cannot call record() itself; see mediators/audit.py."""
    record(request, action, event=event, **detail)


# What each action is called on the staff pages (the code stays in the log; an action not named here is
# shown by its code).
ACTION_LABELS = {
    "view_registration": _("Registration viewed"),
    "edit_registration": _("Details changed"),
    "cancel": _("Registration cancelled"),
    "confirm_from_waitlist": _("Confirmed from the waiting list"),
    "confirm_workshop": _("Workshop seat given"),
    "move": _("Moved to another workshop"),
    "replace_links": _("Personal link replaced"),
    "walk_in": _("Registered at the door"),
    "check_in": _("Checked in"),
    "participation_certificate": _("Certificate of attendance printed"),
    "export_personal_data": _("Personal data exported"),
    "erase_personal_data": _("Personal data erased"),
    "export": _("List exported"),
    "capacity": _("Capacity changed"),
    "announcement": _("Message sent"),
    "mail_resend": _("Failed messages sent again"),
    "event_create": _("Event created"),
    "event_copy": _("Event copied"),
    "event_settings": _("Settings changed"),
    "programme_slot_add": _("Time slot added"),
    "programme_slot_edit": _("Time slot changed"),
    "programme_slot_remove": _("Time slot removed"),
    "programme_workshop_add": _("Workshop added"),
    "programme_workshop_edit": _("Workshop changed"),
    "programme_workshop_order": _("Workshops reordered"),
    "programme_workshop_cancel": _("Workshop cancelled"),
    "translations": _("Translations saved"),
    "publish": _("Event published"),
    "unpublish": _("Event back to draft"),
    "undo_check_in": _("Check-in undone"),
    "check_in_outside_window": _("Checked in outside the check-in time"),
    # H14 (#25): interpreters arranged, the feedback survey's window.
    "interpreter_arranged": _("Interpreter marked as arranged"),
    "interpreter_removed": _("Interpreter no longer marked as arranged"),
    "feedback_window": _("Feedback survey changed"),
    # H16 (#25): the organisers' actions on mediators (mediators/audit.py).
    "mediator_invite": _("Mediators invited"),
    "mediator_import": _("Mediators imported from a list and invited"),
    "mediator_activate": _("Mediator activated"),
    "mediator_deactivate": _("Mediator deactivated"),
    "mediator_enrol": _("Mediators enrolled in a training series"),
    "mediator_attendance": _("Attendance at a training session recorded"),
}


def action_label(entry: AuditEntry) -> str:
    """The entry's action in words, in the active language; for a change of details, with the fields."""
    label = str(ACTION_LABELS.get(entry.action, entry.action))
    fields = entry.detail.get("fields") if isinstance(entry.detail, dict) else None
    if entry.action == "edit_registration" and fields:
        names = [str(Registration._meta.get_field(name).verbose_name) for name in fields if _is_field(name)]
        label = f"{label}: {', '.join(names)}"
    return label


def _is_field(name: str) -> bool:
    try:
        Registration._meta.get_field(name)
    except FieldDoesNotExist:  # an old entry may name a field that no longer exists
        return False
    return True
