"""The project's URLs plus the exports at the agreed place, until config/urls.py includes them."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns


def _wired(patterns) -> bool:
    return any(
        getattr(pattern, "namespace", None) == "backoffice-exports"
        or _wired(getattr(pattern, "url_patterns", []))
        for pattern in patterns
    )


urlpatterns = list(project_urlpatterns)
if not _wired(urlpatterns):
    urlpatterns.append(path("staff/events/<slug:slug>/exports/", include("backoffice.export_urls")))
