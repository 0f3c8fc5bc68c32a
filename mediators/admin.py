from django.contrib import admin

from mediators.models import Enrolment, MediatorProfile, SessionRecord


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
