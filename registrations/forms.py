"""The sign-up form and the self-service forms: shape and cleaning of what she enters."""

import re
import time
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.ids import parse_ids
from fachtag.languages import INTERPRETING_OTHER as OTHER
from fachtag.languages import interpreting_choices
from registrations.choices import MAX_CHILD_AGE, MAX_CHILDREN
from registrations.validators import name_characters, no_control_characters, no_control_characters_multiline

FORM_SIGNER_SALT = "registrations.signup-started"
# A sign-up form sent back later than this after it was shown is shown again with fresh markers and her
# entries (its marker could have been copied by anyone who saw the page).
FORM_MAX_AGE_SECONDS = 2 * 3600
FORM_EXPIRED = _(
    "This form was open for more than two hours. Your entries are still here: "
    "please check them and send the form again."
)
NO_WORKSHOP = ""


def _text(label, *, max_length, required=True, help_text="", autocomplete=None, min_length=None, **kwargs):
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(
        label=label,
        max_length=max_length,
        min_length=min_length,
        required=required,
        help_text=help_text,
        validators=kwargs.pop("validators", [no_control_characters]),
        widget=forms.TextInput(attrs=attrs),
        **kwargs,
    )


def _long_text(label, *, help_text=""):
    return forms.CharField(
        label=label,
        max_length=1000,
        required=False,
        help_text=help_text,
        validators=[no_control_characters_multiline],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def parse_ages(raw: str) -> list[int]:
    """ "2, 5" → [2, 5]; a clear message for anything else."""
    parts = [part for part in re.split(r"[\s,;،؛]+", raw.strip()) if part]
    if len(parts) > MAX_CHILDREN:
        raise forms.ValidationError(
            ngettext(
                "Childcare is possible for at most %(max)d child per registration.",
                "Childcare is possible for at most %(max)d children per registration.",
                MAX_CHILDREN,
            )
            % {"max": MAX_CHILDREN},
            code="too_many_children",
        )
    ages = []
    for part in parts:
        # Digits in any script (Arabic-Indic, Persian) count as numbers.
        if not part.isdecimal() or int(part) > MAX_CHILD_AGE:
            raise forms.ValidationError(
                _(
                    "Enter each child's age in years as a number from 0 to 17, separated by commas, e.g. 2, 5."
                ),
                code="bad_age",
            )
        ages.append(int(part))
    return ages


class ChildcareFieldsMixin:
    """Children's ages and notes, checked against the event's childcare age groups."""

    def add_childcare_fields(self, groups):
        self.childcare_groups = list(groups)
        ranges = ", ".join(str(group) for group in self.childcare_groups)
        self.fields["child_ages"] = forms.CharField(
            label=_("Ages of the children who need childcare"),
            required=False,
            max_length=60,
            help_text=_("In years, separated by commas, e.g. 2, 5. Childcare groups: %(groups)s.")
            % {"groups": ranges},
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
        self.fields["childcare_notes"] = _long_text(
            _("Notes on childcare"),
            help_text=_("For example: what the carers should know. No health details."),
        )

    def clean_child_ages(self):
        ages = parse_ages(self.cleaned_data.get("child_ages", ""))
        for age in ages:
            if not any(group.min_age <= age <= group.max_age for group in self.childcare_groups):
                raise forms.ValidationError(
                    _("There is no childcare for children aged %(age)d at this event.") % {"age": age},
                    code="no_group",
                )
        return ages


class SlotFieldsMixin:
    """One radio group per parallel time slot; remembers which workshops she saw as fully booked."""

    def add_slot_fields(self, slots):
        """`slots`: (slot, its workshops) in time order, as selectors.programme() gives them."""
        self.slots = [slot for slot, _workshops in slots if slot.is_parallel]
        self.full_workshops = set()
        for slot, workshops in slots:
            if slot.is_parallel:
                self.fields[f"slot_{slot.pk}"] = self._slot_field(slot, workshops)

    def _slot_field(self, slot, workshops):
        choices = []
        for workshop in workshops:
            if workshop.is_cancelled:
                continue
            if workshop.availability == "full":
                self.full_workshops.add(workshop.pk)
            choices.append((str(workshop.pk), workshop))
        choices.append((NO_WORKSHOP, _("No workshop in this time slot")))
        return forms.ChoiceField(label=str(slot), choices=choices, required=False, widget=forms.RadioSelect)

    @property
    def slot_fields(self):
        return [(slot, self[f"slot_{slot.pk}"]) for slot in self.slots]

    def chosen_workshops(self) -> list[int]:
        """The workshop chosen in each slot (slots left empty are left out)."""
        return [int(value) for slot in self.slots if (value := self.cleaned_data.get(f"slot_{slot.pk}"))]


def offer_event_interpreting(form, event) -> None:
    """The interpreting field offers exactly the event's languages after its "none" choice (the field's own
    first choice); an event that offers none asks nothing."""
    offered = interpreting_choices(event.interpreting_languages or [])
    if not offered:
        del form.fields["interpreting_language"]
        form.fields.pop("interpreting_other", None)
        return
    field = form.fields["interpreting_language"]
    field.choices = [field.choices[0], *offered]
    if "interpreting_other" in form.fields and OTHER not in dict(offered):
        del form.fields["interpreting_other"]


class SignupMarkers(forms.Form):
    """What makes a shown sign-up form one visitor's own: the signed time it was shown (the time trap), the
    key that registers her once however often the form is sent, and a field only bots fill. The empty page
    for an anonymous visitor renders only these for her (its fields come from the {% cache %} fragment)."""

    # Invisible to people: a bot that fills every field fills this one.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(widget=forms.HiddenInput)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # what she sends back decides; a new form gets a fresh start time and key
            key = str(self.initial.get("submission_key") or uuid.uuid4())
            self.initial["submission_key"] = key
            self.initial.setdefault("started", self.new_start_time(key))

    @staticmethod
    def new_start_time(submission_key: str, *, at: float | None = None) -> str:
        """The signed time the form is shown at (the time trap's start), bound to the form's submission key:
        a copied marker works with its own key only, which registers one person once."""
        return signing.dumps([time.time() if at is None else at, str(submission_key)], salt=FORM_SIGNER_SALT)


class SignupForm(SlotFieldsMixin, ChildcareFieldsMixin, SignupMarkers):
    name = _text(_("Name"), max_length=150, min_length=2, autocomplete="name", validators=[name_characters])
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send your confirmation and your personal link to this address."),
        error_messages={"invalid": _("Enter an e-mail address like name@example.de.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = _text(
        _("Phone"), max_length=40, required=False, autocomplete="tel", help_text=_("Only for urgent changes.")
    )
    organisation = _text(
        _("Organisation or role"),
        max_length=150,
        required=False,
        autocomplete="organization",
        help_text=_("If you come as a professional, e.g. counsellor at an advice centre."),
    )
    interpreting_language = forms.ChoiceField(
        label=_("Interpreting"),
        required=False,
        # Then the event's own languages (offer_event_interpreting).
        choices=[("", _("I do not need interpreting"))],
        help_text=_(
            "The talks and most workshops are in German. We book interpreters for the languages asked for."
        ),
    )
    interpreting_other = _text(_("Other language"), max_length=80, required=False)
    accessibility_needs = _long_text(
        _("Accessibility needs"),
        help_text=_("For example: step-free access, sign language, induction loop, easy language."),
    )
    accessibility_consent = forms.BooleanField(
        label=_(
            "I agree that my information on accessibility needs is stored to prepare the event. "
            "It is deleted after the event. I can withdraw this at any time."
        ),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language for e-mails"),
        choices=settings.LANGUAGES,
        help_text=_("We write to you in this language."),
    )
    privacy_consent = forms.BooleanField(
        label=_("I have read the privacy notice."),
        error_messages={"required": _("Please confirm that you have read the privacy notice.")},
    )
    # Her entries first, then the markers (in the error summary too).
    field_order = (
        "name",
        "email",
        "phone",
        "organisation",
        "interpreting_language",
        "interpreting_other",
        "accessibility_needs",
        "accessibility_consent",
        "language",
        "privacy_consent",
    )

    def __init__(self, *args, event, slots, groups, language, initial=None, **kwargs):
        """`slots`: the event's slots with their workshops (selectors.programme()); `groups`: its childcare
        groups if it offers childcare, else None (no childcare fields)."""
        initial = {"language": language, **(initial or {})}
        super().__init__(*args, initial=initial, **kwargs)
        self.event = event
        self.add_slot_fields(slots)
        if groups is not None:
            self.add_childcare_fields(groups)
        offer_event_interpreting(self, event)

    def renew(self) -> None:
        """A fresh start time and key in the form sent back to her, so that she can send it again."""
        key = str(uuid.uuid4())
        self.data = self.data.copy()
        self.data[self.add_prefix("submission_key")] = key
        self.data[self.add_prefix("started")] = self.new_start_time(key)

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def clean(self):
        data = super().clean()
        timing = self._timing(data.get("started", ""), data.get("submission_key"))
        if timing == "expired":
            self.add_error(None, forms.ValidationError(FORM_EXPIRED, code="expired"))
            self.renew()
        elif timing != "ok":
            self.add_error(
                None,
                forms.ValidationError(_("Please check your entries and send the form again."), code="timing"),
            )
        if data.get("interpreting_language") == OTHER and not data.get("interpreting_other", "").strip():
            self.add_error("interpreting_other", _("Please name the language you need."))
        if data.get("accessibility_needs", "").strip() and not data.get("accessibility_consent"):
            self.add_error(
                "accessibility_consent",
                _(
                    "Tick this box so that we may store your accessibility needs, or leave the field above empty."
                ),
            )
        return data

    @staticmethod
    def _timing(started: str, submission_key) -> str:
        """ "ok": the form came back no faster than a person fills it in and within FORM_MAX_AGE_SECONDS of
        being shown, with the key it was shown with; "expired": later, or a marker of an older release;
        "bad": too fast, forged, or another form's marker."""
        try:
            marker = signing.loads(started, salt=FORM_SIGNER_SALT)
        except signing.BadSignature:
            return "bad"
        if not isinstance(marker, list) or len(marker) != 2:
            return "expired"  # signed by us before markers named their key
        try:
            seconds = time.time() - float(marker[0])
        except (ValueError, TypeError, OverflowError):
            return "bad"
        if submission_key is None or marker[1] != str(submission_key):
            return "bad"
        if seconds > FORM_MAX_AGE_SECONDS:
            return "expired"
        return "ok" if seconds >= settings.SIGNUP_MIN_FILL_SECONDS else "bad"


class ChangeWorkshopsForm(SlotFieldsMixin, forms.Form):
    """Choosing again per slot. A workshop she saw as full means its waiting list (she keeps her seat);
    one that fills up while she decides comes back as a field error, and choosing it again joins the list."""

    full_seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, slots, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.add_slot_fields(slots)
        self.initial["full_seen"] = ",".join(str(pk) for pk in sorted(self.full_workshops))
        for slot_id, workshop_id in current.items():
            self.initial[f"slot_{slot_id}"] = str(workshop_id)
        self.current = current

    def changes(self) -> dict[int, tuple[int | None, bool]]:
        """{slot id: (new workshop id or None, waiting list knowingly chosen)} for the slots she changed."""
        seen_full = parse_ids(self.cleaned_data.get("full_seen", "").split(","))
        changed = {}
        for slot in self.slots:
            if self.add_prefix(f"slot_{slot.pk}") not in self.data:
                # The page always sends each slot (a radio is checked): a slot left out is no wish to give it up.
                continue
            value = self.cleaned_data.get(f"slot_{slot.pk}")
            new = int(value) if value else None
            if new != self.current.get(slot.pk):
                changed[slot.pk] = (new, new in seen_full)
        return changed

    def mark_full(self, workshop_id: int) -> None:
        """It filled up while she was deciding: choosing it again now means its waiting list."""
        self.data = self.data.copy()
        self.data["full_seen"] = ",".join(filter(None, [self.data.get("full_seen", ""), str(workshop_id)]))


class ChildcareForm(ChildcareFieldsMixin, forms.Form):
    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_childcare_fields(groups)

    def clean(self):
        data = super().clean()
        # The page always sends the ages (empty for none): a post without them is no wish to end childcare.
        if self.is_bound and self.add_prefix("child_ages") not in self.data:
            self.add_error("child_ages", self.fields["child_ages"].error_messages["required"])
        return data
