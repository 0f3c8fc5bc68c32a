import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from config.ids import IdField
from fachtag.languages import SESSION_LANGUAGES
from feedback.forms import FeedbackForm
from feedback.services import AnswerData
from mediators import imports
from mediators.models import MediatorProfile, SessionRecord
from registrations.validators import name_characters, no_control_characters, phone_number

# "Leyla Demir <leyla.demir@example.org>": a name given with an address, as mail programs copy it.
NAMED_ADDRESS = re.compile(r"""(?P<name>[^<>,;\n]*)<(?P<address>[^<>\s]*)>""")


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One or more addresses, separated by line breaks, commas or spaces. A name may come before "
            "its address in angle brackets: Leyla Demir <leyla.demir@example.org>."
        ),
    )
    language = forms.ChoiceField(
        label=_("Their language for e-mails"),
        choices=[("", _("Not known: German only")), *settings.LANGUAGES],
        required=False,
        help_text=_("The invitation is written in German and, when you choose one, also in this language."),
    )

    def clean_emails(self):
        """The addresses (a list) in the order given; the names given with some in self.names."""
        text = self.cleaned_data["emails"]
        self.names = {}
        addresses = []
        for match in NAMED_ADDRESS.finditer(text):
            address = match["address"].strip()
            name = " ".join(match["name"].replace('"', " ").split())
            addresses.append(address)
            if name:
                self.names[address.lower()] = name
        rest = NAMED_ADDRESS.sub(" ", text)
        addresses += [a for a in rest.replace(",", " ").replace(";", " ").split() if a]
        wrong = []
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                wrong.append(address or "<>")
        if wrong:
            raise forms.ValidationError(
                _("These are not e-mail addresses: %(addresses)s") % {"addresses": ", ".join(wrong)}
            )
        if not addresses:
            raise forms.ValidationError(_("Enter at least one e-mail address."))
        bad_names = [
            name if len(name) <= 150 else name[:40] + "…"
            for name in self.names.values()
            if not imports.is_name(name)
        ]
        if bad_names:
            raise forms.ValidationError(
                _("These names contain characters a name cannot have, or are too long: %(names)s")
                % {"names": ", ".join(bad_names)}
            )
        return addresses


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("List of mediators (CSV or XLSX file)"),
        help_text=_(
            "One mediator per row, the first row naming the columns: name, e-mail, languages, message "
            "language, phone. Languages as codes or names, for example “ar, fa” or “Arabic”. CSV in UTF-8, "
            "separated by semicolons or commas; at most 500 rows and 1 MB."
        ),
        error_messages={"required": _("Choose a CSV or XLSX file."), "empty": _("The file is empty.")},
    )

    def clean_file(self):
        """The file's rows (self.table); the file itself is read from memory and kept nowhere."""
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB. Split it into smaller files."))
        try:
            self.table = imports.slim(imports.read_table(upload.read(), upload.name or ""))
        except imports.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class InvitationPasswordForm(SetPasswordForm):
    """Django's set-password form whose errors each name their field: the error summary links to both
    fields, and "This field is required." twice would not say which is which."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = _("Enter your new password.")
        self.fields["new_password2"].error_messages["required"] = _(
            "Enter your new password a second time, to confirm it."
        )

    def clean(self):
        # As Django's, but a password that is too short or too common is said at the first field, where
        # it was chosen, not at the confirmation.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


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


class SeriesFeedbackForm(FeedbackForm):
    """Her feedback on a training series, in the Answer shape of a Fachtag's: the series overall, each
    session she attended ({session id: rating}), a free text. No next steps, no childcare or interpreting."""

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, workshops=sessions, **kwargs)
        del self.fields["next_steps"]
        self.fields["overall"].label = _("How was this training series for you overall?")
        for session in sessions:
            # Isolated (FSI … PDI): a German title keeps its order inside an Arabic or Persian label.
            title = f"\u2068{session.title}\u2069"
            self.fields[f"workshop_{session.pk}"].label = _("Session: %(title)s") % {"title": title}
        self.fields["comment"].label = _(
            "What would help you more in your work as a mediator? Is there anything else you would like "
            "to tell us?"
        )

    def data_object(self) -> AnswerData:
        data = self.cleaned_data
        return AnswerData(
            overall=data["overall"],
            workshops={pk: data.get(f"workshop_{pk}") for pk in self.workshop_ids},
            comment=data["comment"],
        )
