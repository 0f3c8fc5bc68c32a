"""The Django admin is the organisers' data-entry tool from day one: events, slots, workshops.

Only the plain (untabbed) modeltranslation admin is used: the tabbed variant loads jQuery UI from a CDN.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from fachtag.languages import SESSION_LANGUAGES
from fachtag.models import ChildcareGroup, Event, TimeSlot, Workshop


class WorkshopForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=SESSION_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages it is held in or interpreted into."),
    )

    class Meta:
        model = Workshop
        fields = [
            "slot",
            "position",
            "title",
            "description",
            "speakers",
            "room",
            "capacity",
            "languages",
            "status",
        ]


class TimeSlotInline(TranslationStackedInline):
    model = TimeSlot
    extra = 0
    fields = ["kind", "title", "description", "starts_at", "ends_at"]
    show_change_link = True


class ChildcareGroupInline(admin.TabularInline):
    model = ChildcareGroup
    extra = 0
    fields = ["min_age", "max_age", "capacity", "seats_taken"]
    readonly_fields = ["seats_taken"]


class WorkshopInline(TranslationStackedInline):
    model = Workshop
    form = WorkshopForm
    extra = 0
    fields = ["position", "title", "description", "speakers", "room", "capacity", "languages", "status"]


@admin.register(Event)
class EventAdmin(TranslationAdmin):
    list_display = ["title", "kind", "starts_at", "status", "capacity", "seats_taken", "anonymised_at"]
    list_filter = ["kind", "status", "starts_at"]
    search_fields = ["title", "slug", "venue_name"]
    prepopulated_fields = {"slug": ["title_de"]}
    date_hierarchy = "starts_at"
    readonly_fields = ["seats_taken", "sensitive_data_deleted_at", "anonymised_at"]
    inlines = [TimeSlotInline, ChildcareGroupInline]
    fieldsets = (
        (None, {"fields": ("kind", "status", "title", "slug", "description")}),
        (_("Time and place"), {"fields": ("starts_at", "ends_at", "venue_name", "venue_address")}),
        (
            _("Registration"),
            {
                "fields": (
                    "registration_opens_at",
                    "registration_closes_at",
                    "capacity",
                    "seats_taken",
                    "has_childcare",
                    "waitlist_mode",
                    "offer_hours",
                    "requires_email_confirmation",
                    "email_confirmation_hours",
                    "reminder_days",
                )
            },
        ),
        (_("Training series"), {"fields": ("min_sessions_for_certificate",)}),
        (
            _("Privacy"),
            {
                "fields": (
                    "sensitive_retention_days",
                    "retention_days",
                    "sensitive_data_deleted_at",
                    "anonymised_at",
                )
            },
        ),
    )


@admin.register(TimeSlot)
class TimeSlotAdmin(TranslationAdmin):
    list_display = ["__str__", "event", "kind"]
    list_filter = ["event", "kind"]
    search_fields = ["title", "event__title"]
    list_select_related = ["event"]
    inlines = [WorkshopInline]


@admin.register(Workshop)
class WorkshopAdmin(TranslationAdmin):
    form = WorkshopForm
    list_display = ["title", "slot", "room", "capacity", "seats_taken", "status"]
    list_filter = ["slot__event", "status", "slot"]
    search_fields = ["title", "speakers", "room"]
    list_select_related = ["slot", "slot__event"]
    readonly_fields = ["seats_taken"]
