from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from registrations.choices import INTERPRETING_LANGUAGES
from registrations.forms import ChildcareFieldsMixin, SlotFieldsMixin
from registrations.models import Registration
from registrations.validators import no_control_characters


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
        self.fields["workshop"].choices = [("", _("All"))] + [
            (w.pk, f"{w.slot.starts_at:%H:%M} {w.title}") for w in workshops
        ]


class WalkInForm(SlotFieldsMixin, ChildcareFieldsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, min_length=2, validators=[no_control_characters])
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("She gets her confirmation and personal link there."),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, validators=[no_control_characters]
    )
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=settings.LANGUAGES)
    interpreting_language = forms.ChoiceField(
        label=_("Interpreting"), required=False, choices=[("", _("No interpreting"))] + INTERPRETING_LANGUAGES
    )
    privacy_informed = forms.BooleanField(label=_("She was given the privacy notice."))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_slot_fields(event.slots.all())
        if event.has_childcare:
            self.add_childcare_fields(event.childcare_groups.all())


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("New capacity"), min_value=1, max_value=100000)
