"""Forms of the setup pages: a new event, a copy, an event's settings with its childcare groups."""

import re
from datetime import date

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.setup import SETTINGS_FIELDS, SLUG_TAKEN
from fachtag.languages import INTERPRETING_LANGUAGES
from fachtag.models import Event
from registrations.validators import no_control_characters

MAX_REMINDER_DAYS = 60
SLUG_HINT = _("Letters, digits and hyphens, e.g. fachtag-2027. It appears in the address.")


class LocalDateTimeInput(forms.DateTimeInput):
    """A date and a time in one field, as the browser's own picker enters them (local time, Berlin)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class NewEventForm(forms.ModelForm):
    """The first details of a new event: German title first; texts in other languages come later."""

    class Meta:
        model = Event
        fields = [
            "title_de",
            "slug",
            "kind",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
        ]
        labels = {"title_de": _("Title (German)")}
        help_texts = {"slug": SLUG_HINT}
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "registration_opens_at": LocalDateTimeInput(),
            "registration_closes_at": LocalDateTimeInput(),
            "venue_address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_de"].required = True
        self.fields["title_de"].validators.append(no_control_characters)
        self.fields["capacity"].validators.append(MinValueValidator(1))


class CopyEventForm(forms.Form):
    new_date = forms.DateField(
        label=_("Date of the new event"),
        widget=DateInput(),
        help_text=_("Every time of the programme and of the sign-up moves with it, at the same time of day."),
    )
    title_de = forms.CharField(label=_("Title (German)"), max_length=200, validators=[no_control_characters])
    slug = forms.SlugField(
        label=_("Short name in the address"),
        max_length=80,
        help_text=SLUG_HINT,
    )

    def clean_new_date(self) -> date:
        value = self.cleaned_data["new_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."), code="past")
        return value

    def clean_slug(self) -> str:
        value = self.cleaned_data["slug"]
        if Event.objects.filter(slug=value).exists():
            raise forms.ValidationError(_(SLUG_TAKEN), code="taken")
        return value


def parse_reminder_days(raw: str) -> list[int]:
    """ "7, 1" → [7, 1]: whole numbers of days before the event, largest first, each once."""
    parts = [part for part in re.split(r"[\s,;،؛]+", raw.strip()) if part]
    if not all(part.isdecimal() and 1 <= int(part) <= MAX_REMINDER_DAYS for part in parts):
        raise forms.ValidationError(
            _("Enter whole numbers of days from 1 to 60, separated by commas, e.g. 7, 1."), code="bad_days"
        )
    return sorted({int(part) for part in parts}, reverse=True)


class SettingsForm(forms.ModelForm):
    """What the event offers and how sign-up works. Saved by backoffice.setup.update_settings, never here."""

    interpreting_languages = forms.MultipleChoiceField(
        label=_("Interpreting offered"),
        required=False,
        choices=INTERPRETING_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Participants can ask for interpreting into these languages. None: the form does not ask."
        ),
    )
    reminder_days = forms.CharField(
        label=_("Reminders (days before the event)"),
        required=False,
        max_length=40,
        help_text=_("Separated by commas, e.g. 7, 1. Empty: no reminders."),
    )
    email_confirmation_hours = forms.IntegerField(
        label=_("Time to confirm the e-mail address (hours)"), min_value=1, max_value=168
    )
    offer_hours = forms.IntegerField(
        label=_("A freed place is offered for (hours)"), min_value=1, max_value=336
    )

    class Meta:
        model = Event
        fields = list(SETTINGS_FIELDS)
        widgets = {
            "registration_opens_at": LocalDateTimeInput(),
            "registration_closes_at": LocalDateTimeInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["reminder_days"] = ", ".join(str(day) for day in self.instance.reminder_days or [])

    def clean_reminder_days(self) -> list[int]:
        return parse_reminder_days(self.cleaned_data.get("reminder_days", ""))


class ChildcareGroupForm(forms.Form):
    """One age group on the settings page; the last, empty row adds a group."""

    group_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    min_age = forms.IntegerField(label=_("From age (years)"), min_value=0, max_value=17)
    max_age = forms.IntegerField(label=_("To age (years)"), min_value=0, max_value=17)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=1000)
    remove = forms.BooleanField(label=_("Remove this age group"), required=False)

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error("max_age", _("The upper age must not be below the lower age."))
        return data


ChildcareGroupFormSet = forms.formset_factory(ChildcareGroupForm, extra=1, max_num=20, validate_max=True)
