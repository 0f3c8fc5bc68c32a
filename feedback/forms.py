from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.models import NextStep, Rating
from feedback.services import AnswerData

REQUIRED = _("Please choose one answer.")


def isolated(title: str) -> str:
    """A title inside a translated label, isolated (FSI … PDI): a German title keeps its order in an Arabic
    or Persian label."""
    return f"\u2068{title}\u2069"


def _rating(label, *, required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        required=required,
        empty_value=None,
        error_messages={"required": REQUIRED, "invalid_choice": REQUIRED},
    )


class FeedbackForm(forms.Form):
    """The day overall, each of her workshops, childcare and interpreting if she used them, her next steps."""

    overall = _rating(_("How was the day for you overall?"), required=True)
    next_steps = forms.MultipleChoiceField(
        label=_("What will you do next?"),
        choices=NextStep.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Please choose from the list.")},
    )
    comment = forms.CharField(
        label=_("Is there anything else you would like to tell us?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, workshops=(), childcare=False, interpreting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop_ids = []
        for workshop in workshops:
            name = f"workshop_{workshop.pk}"
            self.fields[name] = _rating(
                _("Workshop: %(title)s") % {"title": isolated(workshop.title)}, required=False
            )
            self.workshop_ids.append(workshop.pk)
        if childcare:
            self.fields["childcare"] = _rating(_("How was the childcare?"), required=True)
        if interpreting:
            self.fields["interpreting"] = _rating(_("How was the interpreting?"), required=True)
        order = ["overall", *[f"workshop_{pk}" for pk in self.workshop_ids], "childcare", "interpreting"]
        self.order_fields([*order, "next_steps", "comment"])

    def rating_fields(self):
        return [field for field in self if isinstance(field.field, forms.TypedChoiceField)]

    def data_object(self) -> AnswerData:
        data = self.cleaned_data
        return AnswerData(
            overall=data["overall"],
            workshops={pk: data.get(f"workshop_{pk}") for pk in self.workshop_ids},
            childcare=data.get("childcare"),
            interpreting=data.get("interpreting"),
            next_steps=data["next_steps"],
            comment=data["comment"],
        )

    @classmethod
    def initial_from(cls, answer) -> dict:
        initial = {
            "overall": answer.overall,
            "childcare": answer.childcare,
            "interpreting": answer.interpreting,
            "next_steps": answer.next_steps,
            "comment": answer.comment,
        }
        initial |= {f"workshop_{pk}": rating for pk, rating in answer.workshops.items()}
        return initial
