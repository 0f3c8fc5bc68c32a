from django.urls import path

from mediators import import_views, views

app_name = "mediators-staff"
urlpatterns = [
    path("", views.staff_pool, name="pool"),
    path("import/", import_views.staff_import, name="import"),
    path("import/preview/", import_views.staff_import_preview, name="import_preview"),
    path("<int:profile_id>/active/", views.staff_set_active, name="set_active"),
    path("trainings/<slug:slug>/", views.staff_series, name="series"),
    path(
        "trainings/<slug:slug>/sessions/<int:session_id>/attendance/",
        views.staff_attendance,
        name="attendance",
    ),
]
