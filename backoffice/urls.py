from django.urls import path

from backoffice import (
    feedback_views,
    interpreting_views,
    privacy,
    programme_views,
    publish_views,
    registration_views,
    report_views,
    setup_views,
    views,
)
from backoffice.mail_preview_views import mail_preview, mail_preview_html, mail_previews

app_name = "backoffice"
urlpatterns = [
    path("", views.index, name="index"),
    path("mail/", views.mail_queue, name="mail_queue"),
    path("mail/resend/", views.mail_resend, name="mail_resend"),
    path("events/<slug:slug>/", views.dashboard, name="dashboard"),
    path("events/<slug:slug>/participants/", views.participants, name="participants"),
    path("events/<slug:slug>/participants/<int:registration_id>/", views.registration, name="registration"),
    path("events/<slug:slug>/participants/<int:registration_id>/cancel/", views.cancel, name="cancel"),
    path("events/<slug:slug>/participants/<int:registration_id>/confirm/", views.confirm, name="confirm"),
    path(
        "events/<slug:slug>/participants/<int:registration_id>/confirm-workshop/",
        views.confirm_wish,
        name="confirm_wish",
    ),
    path("events/<slug:slug>/participants/<int:registration_id>/move/", views.move, name="move"),
    path(
        "events/<slug:slug>/participants/<int:registration_id>/replace-links/",
        views.replace_links,
        name="replace_links",
    ),
    path(
        "events/<slug:slug>/participants/<int:registration_id>/data.json",
        privacy.export,
        name="privacy_export",
    ),
    path("events/<slug:slug>/participants/<int:registration_id>/erase/", privacy.erase, name="privacy_erase"),
    path("events/<slug:slug>/capacity/", views.capacity, name="capacity"),
    path("events/<slug:slug>/walk-in/", views.walk_in, name="walk_in"),
    path("events/<slug:slug>/walk-in/<int:registration_id>/", views.walk_in_done, name="walk_in_done"),
    path("events/<slug:slug>/messages/", views.announcements, name="announcements"),
    # Setting events up: a new event, a copy of one, an event's settings.
    path("new-event/", setup_views.event_new, name="event_new"),
    path("events/<slug:slug>/copy/", setup_views.event_copy, name="event_copy"),
    path("events/<slug:slug>/settings/", setup_views.event_settings, name="event_settings"),
    # H4: editing a registration, the staff member's language.
    path(
        "events/<slug:slug>/participants/<int:registration_id>/edit/",
        registration_views.registration_edit,
        name="registration_edit",
    ),
    path("language/", registration_views.language, name="language"),
    # Getting an event ready: translations, the checklist and publishing, the sign-up page's preview (#23).
    path("events/<slug:slug>/translations/", publish_views.translations_overview, name="translations"),
    path(
        "events/<slug:slug>/translations/<str:language>/",
        publish_views.translations_language,
        name="translations_language",
    ),
    path("events/<slug:slug>/publish/", publish_views.publish, name="publish"),
    path("events/<slug:slug>/preview/<str:language>/", publish_views.preview, name="preview"),
    # The programme on one page: the page, and the addresses its forms post to.
    path("events/<slug:slug>/programme/", programme_views.programme, name="programme"),
    path("events/<slug:slug>/programme/slots/", programme_views.slot_add, name="programme_slot_add"),
    path(
        "events/<slug:slug>/programme/slots/<int:slot_id>/",
        programme_views.slot_edit,
        name="programme_slot_edit",
    ),
    path(
        "events/<slug:slug>/programme/slots/<int:slot_id>/remove/",
        programme_views.slot_remove,
        name="programme_slot_remove",
    ),
    path(
        "events/<slug:slug>/programme/slots/<int:slot_id>/workshops/",
        programme_views.workshop_add,
        name="programme_workshop_add",
    ),
    path(
        "events/<slug:slug>/programme/workshops/<int:workshop_id>/",
        programme_views.workshop_edit,
        name="programme_workshop_edit",
    ),
    path(
        "events/<slug:slug>/programme/workshops/<int:workshop_id>/order/",
        programme_views.workshop_order,
        name="programme_workshop_order",
    ),
    path(
        "events/<slug:slug>/programme/workshops/<int:workshop_id>/cancel/",
        programme_views.workshop_cancel,
        name="programme_workshop_cancel",
    ),
    # Previews of every system mail in every language.
    path("mail-previews/", mail_previews, name="mail_previews"),
    path("mail-previews/<str:kind>/<str:language>/", mail_preview, name="mail_preview"),
    path("mail-previews/<str:kind>/<str:language>/html/", mail_preview_html, name="mail_preview_html"),
    # H11 (#25): the report for the coordination body
    path("events/<slug:slug>/report/", report_views.report_page, name="report"),
    path("events/<slug:slug>/report/report.xlsx", report_views.report_xlsx, name="report_xlsx"),
    path("events/<slug:slug>/report/report.pdf", report_views.report_pdf, name="report_pdf"),
    # H14 (#25): interpreters arranged (the dashboard's buttons), the feedback survey's window.
    path("events/<slug:slug>/interpreters/", interpreting_views.interpreter, name="interpreter"),
    path("events/<slug:slug>/feedback/", feedback_views.survey_window, name="feedback_window"),
]
