from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from backoffice import audit
from backoffice.models import Announcement, AuditEntry, EventRole


@admin.register(EventRole)
class EventRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "role"]
    list_filter = ["event", "role"]
    search_fields = ["user__email", "event__title"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "event"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Append-only: nobody adds, changes or deletes audit entries."""

    list_display = ["created_at", "actor", "action_in_words", "event", "registration_id", "ip"]
    list_filter = ["action", "event"]
    search_fields = ["actor__email", "action"]
    list_select_related = ["actor", "event"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("action"), ordering="action")
    def action_in_words(self, entry: AuditEntry) -> str:
        return audit.action_label(entry)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "subject", "audience", "recipients", "created_by"]
    list_filter = ["event", "audience"]
    readonly_fields = ["created_by", "recipients"]
