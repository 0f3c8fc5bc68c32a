"""The project's URLs, plus the pages app under the language prefix if config/urls.py lacks it."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns


def _has_namespace(patterns, namespace: str) -> bool:
    return any(
        getattr(pattern, "namespace", None) == namespace
        or (hasattr(pattern, "url_patterns") and _has_namespace(pattern.url_patterns, namespace))
        for pattern in patterns
    )


urlpatterns = list(project_urlpatterns)
if not _has_namespace(urlpatterns, "pages"):
    urlpatterns += i18n_patterns(path("", include("pages.urls")), prefix_default_language=True)
