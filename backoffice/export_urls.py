"""Included at staff/events/<slug:slug>/exports/ (the slug comes from there)."""

from django.urls import path

from backoffice import export_views as views

app_name = "backoffice-exports"
urlpatterns = [
    path("", views.index, name="index"),
    path(
        "participants.csv", views.spreadsheet, {"name": "participants", "fmt": "csv"}, name="participants_csv"
    ),
    path(
        "participants.xlsx",
        views.spreadsheet,
        {"name": "participants", "fmt": "xlsx"},
        name="participants_xlsx",
    ),
    path("childcare.csv", views.spreadsheet, {"name": "childcare", "fmt": "csv"}, name="childcare_csv"),
    path("childcare.xlsx", views.spreadsheet, {"name": "childcare", "fmt": "xlsx"}, name="childcare_xlsx"),
    path(
        "interpreting.csv", views.spreadsheet, {"name": "interpreting", "fmt": "csv"}, name="interpreting_csv"
    ),
    path(
        "interpreting.xlsx",
        views.spreadsheet,
        {"name": "interpreting", "fmt": "xlsx"},
        name="interpreting_xlsx",
    ),
    path("attendance.pdf", views.pdf, {"name": "attendance"}, name="attendance_pdf"),
    path("badges.pdf", views.pdf, {"name": "badges"}, name="badges_pdf"),
]
