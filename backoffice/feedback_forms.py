"""The form of the feedback survey's page: its window (Berlin time) and the switch to turn it off. Its rules
(closing after opening, and the rest) are feedback.services.set_window's, shown next to their fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.setup_forms import LocalDateTimeInput


class SurveyWindowForm(forms.Form):
    opens_at = forms.DateTimeField(
        label=_("The survey opens"),
        widget=LocalDateTimeInput(),
        help_text=_("Date and time in Berlin. The invitations go out then, in each participant's language."),
    )
    closes_at = forms.DateTimeField(label=_("The survey closes"), widget=LocalDateTimeInput())
    is_off = forms.BooleanField(
        label=_("Switch the survey off for this event"),
        required=False,
        help_text=_("No invitations go out and no answers are taken. Answers already given are kept."),
    )

    def __init__(self, *args, invitations_sent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if invitations_sent:
            # Participants were told when it opened; the server keeps the stored value whatever is sent.
            self.fields["opens_at"].disabled = True
            self.fields["opens_at"].help_text = _(
                "The invitations have gone out: the opening can no longer change."
            )
