"""Tests only: the project's URLs plus check-in where config.urls includes it (until it does)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

_wired = any(getattr(pattern, "namespace", None) == "backoffice-checkin" for pattern in project_urlpatterns)

urlpatterns = [
    *([] if _wired else [path("staff/events/<slug:slug>/checkin/", include("backoffice.checkin_urls"))]),
    *project_urlpatterns,
]
