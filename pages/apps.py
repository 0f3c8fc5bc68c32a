from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Public information pages (privacy notice, accessibility statement, imprint); no models."""

    name = "pages"
    verbose_name = "Information pages"
