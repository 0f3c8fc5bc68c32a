"""The programme page's forms: a time slot and a workshop, in German (the source of the translations).

Times are entered as clock times in Europe/Berlin on the event's day; the model's own rules (TimeSlot.clean,
Workshop.clean) decide what fits, so the admin and this page refuse the same things with the same words.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fachtag.languages import SESSION_LANGUAGES
from fachtag.models import Event, TimeSlot, Workshop
from registrations.services.programme import SlotDetails, WorkshopDetails
from registrations.validators import no_control_characters, no_control_characters_multiline

BERLIN = ZoneInfo(settings.TIME_ZONE)  # the events' time zone, as in backoffice.setup


def event_day(event: Event):
    """The event's date in Berlin: the day its time slots lie on."""
    return timezone.localtime(event.starts_at, BERLIN).date()


def on_event_day(event: Event, clock: time) -> datetime:
    return datetime.combine(event_day(event), clock, tzinfo=BERLIN)


class ClockInput(forms.TimeInput):
    input_type = "time"

    def __init__(self):
        super().__init__(format="%H:%M")


class SlotForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TimeSlot.Kind.choices)
    starts_at = forms.TimeField(
        label=_("Starts at"), widget=ClockInput(), help_text=_("Time in Berlin, e.g. 09:30.")
    )
    ends_at = forms.TimeField(
        label=_("Ends at"), widget=ClockInput(), help_text=_("Time in Berlin, e.g. 11:00.")
    )
    title_de = forms.CharField(
        label=_("Title (German)"), max_length=200, required=False, validators=[no_control_characters]
    )

    def __init__(self, *args, event: Event, slot: TimeSlot | None = None, **kwargs):
        if slot is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": slot.kind,
                    "starts_at": timezone.localtime(slot.starts_at, BERLIN).time(),
                    "ends_at": timezone.localtime(slot.ends_at, BERLIN).time(),
                    "title_de": slot.title_de or "",
                },
            )
        super().__init__(*args, **kwargs)
        self.event = event

    def clean(self):
        """On the event's day, within the event's hours, ending after it starts (TimeSlot.clean)."""
        data = super().clean()
        if data.get("starts_at") is None or data.get("ends_at") is None:
            return data
        data["starts_at"] = on_event_day(self.event, data["starts_at"])
        data["ends_at"] = on_event_day(self.event, data["ends_at"])
        candidate = TimeSlot(event=self.event, starts_at=data["starts_at"], ends_at=data["ends_at"])
        try:
            candidate.clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field, messages[0])
        return data

    def details(self) -> SlotDetails:
        data = self.cleaned_data
        return SlotDetails(
            kind=data["kind"], starts_at=data["starts_at"], ends_at=data["ends_at"], title_de=data["title_de"]
        )


class WorkshopForm(forms.Form):
    title_de = forms.CharField(label=_("Title (German)"), max_length=200, validators=[no_control_characters])
    description_de = forms.CharField(
        label=_("Description (German)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters_multiline],
    )
    speakers = forms.CharField(
        label=_("Speakers"), required=False, max_length=300, validators=[no_control_characters]
    )
    room = forms.CharField(
        label=_("Room"), required=False, max_length=120, validators=[no_control_characters]
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_("Places in the room. Empty only for a plenary talk: the event's capacity applies."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=SESSION_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages it is held in or interpreted into."),
    )

    def __init__(self, *args, slot: TimeSlot, workshop: Workshop | None = None, **kwargs):
        if workshop is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title_de": workshop.title_de or "",
                    "description_de": workshop.description_de or "",
                    "speakers": workshop.speakers,
                    "room": workshop.room,
                    "capacity": workshop.capacity,
                    "languages": workshop.languages,
                },
            )
        super().__init__(*args, **kwargs)
        self.slot = slot

    def target_slot(self) -> TimeSlot:
        return self.slot

    def clean(self):
        """A workshop in a parallel slot needs a capacity (Workshop.clean)."""
        data = super().clean()
        target = self.target_slot()
        if (
            target is not None
            and target.is_parallel
            and data.get("capacity") is None
            and "capacity" not in self.errors
        ):
            self.add_error("capacity", _("A workshop in a parallel slot needs a capacity."))
        return data

    def details(self) -> WorkshopDetails:
        data = self.cleaned_data
        return WorkshopDetails(
            title_de=data["title_de"],
            description_de=data["description_de"],
            speakers=data["speakers"],
            room=data["room"],
            capacity=data["capacity"],
            languages=list(data["languages"]),
        )


class WorkshopEditForm(WorkshopForm):
    """An existing workshop: also its time slot (a move, with the people booked in it)."""

    slot = forms.TypedChoiceField(
        label=_("Time slot"),
        coerce=int,
        help_text=_("Moving it moves the people booked in it, and they are told."),
    )
    field_order = ["title_de", "description_de", "speakers", "room", "slot", "capacity", "languages"]

    def __init__(self, *args, slots: list[TimeSlot], workshop: Workshop, **kwargs):
        super().__init__(*args, slot=workshop.slot, workshop=workshop, **kwargs)
        self.initial["slot"] = workshop.slot_id
        self.slots = {slot.pk: slot for slot in slots}
        self.fields["slot"].choices = [(slot.pk, slot_label(slot)) for slot in slots]

    def target_slot(self) -> TimeSlot | None:
        return self.slots.get(self.cleaned_data.get("slot"))


def slot_label(slot: TimeSlot) -> str:
    """A time slot as its Berlin times and German title: "09:30–11:00 Workshops I"."""
    start = timezone.localtime(slot.starts_at, BERLIN)
    end = timezone.localtime(slot.ends_at, BERLIN)
    return f"{start:%H:%M}–{end:%H:%M} {slot.title_de or ''}".strip()
