"""Domain errors with a message the participant can read (already translated)."""

from django.utils.translation import gettext_lazy as _


class RegistrationError(Exception):
    message = _("Your registration could not be saved. Please try again.")

    def __init__(self, message=None):
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message

    @property
    def staff_message(self):
        """The same refusal as told to staff in the back office (most read the same for both)."""
        return self.message


class RegistrationClosed(RegistrationError):
    message = _("Registration for this event is not open.")


class InvalidChoice(RegistrationError):
    message = _("Please choose from the workshops listed.")


class WorkshopFull(RegistrationError):
    """A workshop shown as free has just been fully booked: she decides again (another one, or its waiting list)."""

    message = _(
        "This workshop has just been fully booked. Choose another one, or choose it again to join its waiting list."
    )

    def __init__(self, *, slot_id: int, workshop_id: int):
        super().__init__()
        self.slot_id = slot_id
        self.workshop_id = workshop_id


class ChildcareUnavailable(RegistrationError):
    message = _("There is no childcare for children of this age at this event.")


class Busy(RegistrationError):
    """A lock could not be had in time: many people are signing up at once."""

    message = _(
        "Many people are signing up right now. Please send the form again in a moment; nothing is lost."
    )
    staff_message = _(
        "Many people are signing up for this event right now, so this change was not saved. Please send the "
        "form again in a moment."
    )


class NotAllowed(RegistrationError):
    message = _("This change is no longer possible.")
