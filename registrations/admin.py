"""Registrations in the admin are for looking up only: every change goes through registrations.services,
which keeps the seat counters and waiting lists right (the staff area of the organisers' issue acts on them)."""

from django.contrib import admin

from registrations.models import Booking, Child, Registration, RegistrationLog


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


class ChildInline(ReadOnlyInline):
    model = Child
    fields = ["age", "group"]
    readonly_fields = fields


class LogInline(ReadOnlyInline):
    model = RegistrationLog
    fields = ["created_at", "action", "booking", "actor", "detail"]
    readonly_fields = fields


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
