"""Registrations in the admin are for looking up only: every change goes through registrations.services,
which keeps the seat counters and waiting lists right (the staff area of the organisers' issue acts on them)."""

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from modeltranslation.admin import TranslationTabularInline

from fachtag import admin as fachtag_admin
from fachtag.models import Event, TimeSlot, Workshop
from registrations import services
from registrations.errors import NotAllowed
from registrations.models import Booking, Child, MessageText, Registration, RegistrationLog


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BookingInline(ReadOnlyInline):
    model = Booking
    fields = ["workshop", "status", "waitlisted_at", "offer_expires_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("workshop")


class ChildInline(ReadOnlyInline):
    model = Child
    fields = ["age", "group"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group")


class LogInline(ReadOnlyInline):
    model = RegistrationLog
    fields = ["created_at", "action", "booking", "actor", "detail"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("booking__registration", "booking__workshop", "actor")
        )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "event", "status", "language", "created_at"]
    list_filter = ["event", "status", "language", "interpreting_language"]
    search_fields = ["name", "email", "organisation"]
    list_select_related = ["event"]
    inlines = [BookingInline, ChildInline, LogInline]
    readonly_fields = [field.name for field in Registration._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The programme's admin, plus: organisers' changes reach the people booked (messages and calendars).
admin.site.unregister(Workshop)
admin.site.unregister(TimeSlot)
admin.site.unregister(Event)

# The title and its translations (django-modeltranslation's fields, one per language).
TITLE_FIELDS = {"title", *(f"title_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES)}
NOTIFY_FIELDS = {"room", "slot", *TITLE_FIELDS}
EVENT_NOTIFY_FIELDS = {"starts_at", "ends_at", "venue_name", "venue_address", *TITLE_FIELDS}


class AnnouncesChanges:
    """After an organiser saved a workshop, time slot or event: a cancellation or a change of time, room,
    venue or title reaches the people booked (messages and calendars). Training sessions are the mediators
    app's: its admin (mediators/admin.py) takes these methods over for them."""

    def tell_people_booked(self, request, workshop: Workshop, changed: list[str]) -> None:
        if workshop.slot.event.kind == Event.Kind.TRAINING:
            return
        if "status" in changed and workshop.is_cancelled:
            services.cancel_workshop(workshop_id=workshop.pk, now=timezone.now(), actor=request.user)
        elif NOTIFY_FIELDS & set(changed):
            services.workshop_changed(workshop_id=workshop.pk, actor=request.user)

    def tell_about_moved_slot(self, request, slot: TimeSlot, changed: list[str]) -> None:
        """A new time is announced to the people booked in the slot's workshops."""
        if {"starts_at", "ends_at"} & set(changed):
            for workshop in slot.workshops.all():
                self.tell_people_booked(request, workshop, ["slot"])

    def tell_about_changed_event(self, request, event: Event, changed: list[str]) -> None:
        """A new date, time, venue or title reaches the confirmed participants' calendars."""
        if event.kind == Event.Kind.TRAINING or not EVENT_NOTIFY_FIELDS & set(changed):
            return
        services.event_changed(event_id=event.pk, actor=request.user)


def changed_inline_objects(formset, model) -> list[tuple]:
    """(object, changed fields) of the existing rows an inline formset is about to change (not delete)."""
    deleted = set(formset.deleted_forms)
    return [
        (f.instance, f.changed_data)
        for f in formset.forms
        if isinstance(f.instance, model) and f.instance.pk and f.has_changed() and f not in deleted
    ]


class WorkshopForm(fachtag_admin.WorkshopForm):
    def clean(self):
        """A move to another time slot is refused, next to the field, while it would give someone two
        workshops at once."""
        cleaned = super().clean()
        slot = cleaned.get("slot")
        if self.instance.pk and slot and slot.pk != self.instance.slot_id:
            refusal = services.move_refusal(workshop_id=self.instance.pk, slot_id=slot.pk)
            if refusal:
                self.add_error("slot", refusal)
        return cleaned


@admin.register(Workshop)
class WorkshopAdmin(AnnouncesChanges, fachtag_admin.WorkshopAdmin):
    form = WorkshopForm

    def save_model(self, request, obj, form, change):
        moving = change and "slot" in form.changed_data
        if moving:  # the other fields are saved here; the move (with its bookings) is the service's
            target, obj.slot_id = obj.slot_id, form.initial["slot"]
        super().save_model(request, obj, form, change)
        changed = form.changed_data
        if moving:
            try:
                services.move_workshop(workshop_id=obj.pk, slot_id=target)
            except NotAllowed as exc:  # someone booked into the new slot since the form was checked
                self.message_user(request, exc.message, level=messages.ERROR)
                changed = [field for field in changed if field != "slot"]
            obj.refresh_from_db()
        if change:
            self.tell_people_booked(request, obj, changed)


@admin.register(TimeSlot)
class TimeSlotAdmin(AnnouncesChanges, fachtag_admin.TimeSlotAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            self.tell_about_moved_slot(request, obj, form.changed_data)

    def save_formset(self, request, form, formset, change):
        changed = changed_inline_objects(formset, Workshop)
        super().save_formset(request, form, formset, change)
        for workshop, fields in changed:
            self.tell_people_booked(request, workshop, fields)


class MessageTextInline(TranslationTabularInline):
    model = MessageText
    extra = 0


@admin.register(Event)
class EventAdmin(AnnouncesChanges, fachtag_admin.EventAdmin):
    inlines = [*fachtag_admin.EventAdmin.inlines, MessageTextInline]

    def save_formset(self, request, form, formset, change):
        moved = changed_inline_objects(formset, TimeSlot)
        super().save_formset(request, form, formset, change)
        if change and EVENT_NOTIFY_FIELDS & set(form.changed_data):
            return  # one message each, after the slots are saved too (save_related)
        for slot, fields in moved:
            self.tell_about_moved_slot(request, slot, fields)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            self.tell_about_changed_event(request, form.instance, form.changed_data)
