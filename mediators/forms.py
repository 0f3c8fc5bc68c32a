from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from config.ids import IdField
from fachtag.languages import SESSION_LANGUAGES
from mediators.models import MediatorProfile, SessionRecord
from registrations.validators import name_characters, no_control_characters, phone_number


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One or more addresses, separated by line breaks, commas or spaces."),
    )

    def clean_emails(self):
        addresses = [a for a in self.cleaned_data["emails"].replace(",", " ").replace(";", " ").split() if a]
        wrong = []
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                wrong.append(address)
        if wrong:
            raise forms.ValidationError(
                _("These are not e-mail addresses: %(addresses)s") % {"addresses": ", ".join(wrong)}
            )
        if not addresses:
            raise forms.ValidationError(_("Enter at least one e-mail address."))
        return addresses


class EnrolForm(forms.Form):
    everyone = forms.BooleanField(label=_("Enrol all active mediators"), required=False)
    mediators = forms.ModelMultipleChoiceField(
        label=_("Or choose mediators"),
        queryset=MediatorProfile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = MediatorProfile.objects.filter(is_active=True).select_related(
            "user"
        )

    def clean(self):
        data = super().clean()
        if not data.get("everyone") and not data.get("mediators"):
            raise forms.ValidationError(_("Tick “all active mediators” or choose at least one."))
        return data


class ReplyForm(forms.Form):
    record = IdField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(
        label=_("Your reply"), choices=SessionRecord.Reply.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        validators=[no_control_characters],
        help_text=_("Only if you cannot attend."),
    )


class ProfileForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        validators=[name_characters],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        validators=[name_characters],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you mediate in"),
        choices=SESSION_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=settings.LANGUAGES)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        validators=[phone_number],
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
