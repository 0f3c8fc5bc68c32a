from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from backoffice.models import Announcement
from fachtag.languages import INTERPRETING_LANGUAGES
from registrations.forms import ChildcareFieldsMixin, SlotFieldsMixin, offer_event_interpreting
from registrations.models import Registration
from registrations.validators import name_characters, no_control_characters


def workshop_choice(workshop) -> tuple[int, str]:
    """A workshop as a choice: its local start time and title."""
    return workshop.pk, f"{timezone.localtime(workshop.slot.starts_at):%H:%M} {workshop.title}"


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, help_text=_("Name, e-mail or organisation")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + Registration.Status.choices
    )
    workshop = forms.TypedChoiceField(label=_("Workshop"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(
        label=_("Language for messages"), required=False, choices=[("", _("All"))] + list(settings.LANGUAGES)
    )
    childcare = forms.ChoiceField(
        label=_("Childcare"),
        required=False,
        choices=[("", _("All")), ("yes", _("With children")), ("no", _("Without children"))],
    )
    interpreting = forms.ChoiceField(
        label=_("Interpreting"), required=False, choices=[("", _("All"))] + INTERPRETING_LANGUAGES
    )

    def __init__(self, *args, workshops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].choices = [("", _("All"))] + [workshop_choice(w) for w in workshops]


class WalkInForm(SlotFieldsMixin, ChildcareFieldsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, min_length=2, validators=[name_characters])
    # At the door a name is enough: without an address she gets her code on screen or on paper, no e-mail.
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        help_text=_(
            "She gets her confirmation and personal link there. Without an address she gets no e-mail: "
            "show or print her check-in code."
        ),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, validators=[no_control_characters]
    )
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=settings.LANGUAGES)
    interpreting_language = forms.ChoiceField(
        label=_("Interpreting"),
        required=False,
        # Then the event's own languages (offer_event_interpreting).
        choices=[("", _("No interpreting"))],
    )
    privacy_informed = forms.BooleanField(label=_("She was given the privacy notice."))

    def __init__(self, *args, event, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_slot_fields(programme.slots)
        if event.has_childcare:
            self.add_childcare_fields(programme.groups)
        offer_event_interpreting(self, event)


class CapacityForm(forms.Form):
    workshop = forms.TypedChoiceField(label=_("For"), required=False, coerce=int, empty_value=None)
    capacity = forms.IntegerField(label=_("New capacity"), min_value=1, max_value=100000)

    def __init__(self, *args, event, workshops, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", f"{_('The whole event')} ({event.seats_taken}/{event.capacity})")]
        for workshop in workshops:
            if workshop.capacity:  # a workshop without a limit has no capacity to change
                pk, label = workshop_choice(workshop)
                choices.append((pk, f"{label} ({workshop.seats_taken}/{workshop.capacity})"))
        self.fields["workshop"].choices = choices


class AnnouncementForm(forms.Form):
    audience = forms.ChoiceField(label=_("Recipients"), choices=[])
    workshop = forms.TypedChoiceField(
        label=_("Workshop"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Only for a workshop or its waiting list."),
    )
    subject = forms.CharField(label=_("Subject (German)"), max_length=150, validators=[no_control_characters])
    body = forms.CharField(
        label=_("Text (German)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, workshops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = Announcement.Audience.choices
        self.fields["workshop"].choices = [("", "–")] + [workshop_choice(w) for w in workshops]
        for code, name in settings.LANGUAGES:
            if code == "de":
                continue
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject in %(language)s") % {"language": name},
                required=False,
                max_length=150,
                validators=[no_control_characters],
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text in %(language)s") % {"language": name},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def clean(self):
        data = super().clean()
        if data.get("audience") in ("workshop", "workshop_waitlist") and not data.get("workshop"):
            self.add_error("workshop", _("Choose the workshop."))
        for code, _name in settings.LANGUAGES:
            if code != "de" and bool(data.get(f"subject_{code}")) != bool(data.get(f"body_{code}")):
                self.add_error(f"body_{code}", _("Give both subject and text for this language, or neither."))
        return data

    def translations(self) -> dict:
        data = self.cleaned_data
        return {
            code: {"subject": data[f"subject_{code}"], "body": data[f"body_{code}"]}
            for code, _name in settings.LANGUAGES
            if code != "de" and data.get(f"subject_{code}") and data.get(f"body_{code}")
        }

    def translation_fields(self):
        return [
            (self[f"subject_{code}"], self[f"body_{code}"])
            for code, _name in settings.LANGUAGES
            if code != "de"
        ]


# --- H4: editing a registration, the staff member's language ---------------------------------------


class RegistrationEditForm(forms.Form):
    """What organisers correct for her (registrations.services.edit_registration), and their own notes."""

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        min_length=2,
        validators=[name_characters],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("A new address gets a new personal link; the links sent to the old one stop working."),
        error_messages={"invalid": _("Enter an e-mail address like name@example.de.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=settings.LANGUAGES)
    staff_notes = forms.CharField(
        label=_("Staff notes"),
        max_length=2000,
        required=False,
        help_text=_("Only organisers see these notes: never her pages or her e-mails."),
        validators=[lambda value: no_control_characters(value, allow_newlines=True)],
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, has_address: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # A walk-in registered at the door without an address may keep none; an address once given stays.
        self.fields["email"].required = has_address


class StaffLanguageForm(forms.Form):
    """The back office's language switch: each language named in its own script."""

    language = forms.ChoiceField(label=_("Language of the back office"), choices=[])
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.STAFF_LANGUAGES
        ]


class InterpreterForm(forms.Form):
    """One button of the dashboard's interpreting table: an interpreter for this language arranged, or not."""

    language = forms.ChoiceField(choices=INTERPRETING_LANGUAGES)
    arranged = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")
