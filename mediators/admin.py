from django.contrib import admin

from fachtag.models import Event, TimeSlot, Workshop
from mediators import services
from mediators.models import Enrolment, MediatorProfile, SessionRecord
from registrations import admin as registrations_admin


@admin.register(MediatorProfile)
class MediatorProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "language", "is_active", "invited_at"]
    list_filter = ["is_active", "language"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    readonly_fields = ["invited_at"]


class SessionRecordInline(admin.TabularInline):
    model = SessionRecord
    extra = 0
    fields = ["session", "reply", "reason", "attended", "attendance_recorded_at"]
    readonly_fields = ["session", "reply", "reason", "attendance_recorded_at"]
    can_delete = False

    def get_queryset(self, request):
        # Each row shows its session and (as the row's title) the mediator's name.
        return super().get_queryset(request).select_related("session", "enrolment__mediator__user")


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["mediator", "event", "enrolled_at", "certificate_sent_at"]
    list_filter = ["event"]
    search_fields = ["mediator__user__email"]
    list_select_related = ["mediator__user", "event"]
    inlines = [SessionRecordInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mediator":  # each choice is labelled with her name: one query, not one each
            kwargs["queryset"] = MediatorProfile.objects.select_related("user")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AnnouncesSessionChanges(registrations_admin.AnnouncesChanges):
    """The programme admin's announcements, for training sessions too: a cancelled or changed session, or a
    changed series, reaches each enrolled mediator's calendar (and her a message)."""

    def tell_people_booked(self, request, workshop: Workshop, changed: list[str]) -> None:
        if workshop.slot.event.kind != Event.Kind.TRAINING:
            super().tell_people_booked(request, workshop, changed)
        elif "status" in changed or registrations_admin.NOTIFY_FIELDS & set(changed):
            services.session_changed(session_id=workshop.pk)

    def tell_about_changed_event(self, request, event: Event, changed: list[str]) -> None:
        if event.kind != Event.Kind.TRAINING:
            super().tell_about_changed_event(request, event, changed)
        elif registrations_admin.EVENT_NOTIFY_FIELDS & set(changed):
            for session_id in Workshop.objects.filter(slot__event=event).values_list("pk", flat=True):
                services.session_changed(session_id=session_id)


# The registrations app registered the programme's admin; these take its place with the sessions' announcements.
admin.site.unregister(Workshop)
admin.site.unregister(TimeSlot)
admin.site.unregister(Event)


@admin.register(Workshop)
class WorkshopAdmin(AnnouncesSessionChanges, registrations_admin.WorkshopAdmin):
    pass


@admin.register(TimeSlot)
class TimeSlotAdmin(AnnouncesSessionChanges, registrations_admin.TimeSlotAdmin):
    pass


@admin.register(Event)
class EventAdmin(AnnouncesSessionChanges, registrations_admin.EventAdmin):
    pass
