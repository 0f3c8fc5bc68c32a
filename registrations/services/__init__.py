"""Every state change of a registration goes through one of these functions."""

from registrations.services.checkin import (
    CheckInClosed,
    CheckInRefused,
    check_in,
    check_in_open,
    check_in_window,
    registration_for_code,
    undo_check_in,
)
from registrations.services.programme import (
    cancel_workshop,
    event_changed,
    move_refusal,
    move_workshop,
    workshop_changed,
)
from registrations.services.reminders import send_due_reminders, stop_reminders
from registrations.services.selfservice import (
    attach_to_account,
    cancel,
    cancel_booking,
    change_workshop,
    change_workshops,
    confirm_email,
    release_unconfirmed,
    resend_links,
    update_childcare,
)
from registrations.services.signup import Applicant, SignupResult, register
from registrations.services.staff import (
    EDITABLE_FIELDS,
    EditResult,
    EmailTaken,
    confirm_from_waitlist,
    confirm_workshop_wish,
    edit_registration,
    replace_links,
    set_capacity,
)
from registrations.services.waitlist import accept_offer, accept_workshop_offer, expire_offers, promote_all

__all__ = [
    "EDITABLE_FIELDS",
    "Applicant",
    "CheckInRefused",
    "EditResult",
    "EmailTaken",
    "SignupResult",
    "accept_offer",
    "accept_workshop_offer",
    "attach_to_account",
    "cancel",
    "cancel_booking",
    "cancel_workshop",
    "change_workshop",
    "change_workshops",
    "check_in",
    "check_in_open",
    "check_in_window",
    "CheckInClosed",
    "registration_for_code",
    "undo_check_in",
    "confirm_email",
    "confirm_from_waitlist",
    "confirm_workshop_wish",
    "edit_registration",
    "event_changed",
    "expire_offers",
    "move_refusal",
    "move_workshop",
    "promote_all",
    "register",
    "release_unconfirmed",
    "replace_links",
    "resend_links",
    "send_due_reminders",
    "set_capacity",
    "stop_reminders",
    "update_childcare",
    "workshop_changed",
]
