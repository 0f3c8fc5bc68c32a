from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediatorsConfig(AppConfig):
    name = "mediators"
    verbose_name = _("Language and integration mediators")

    def ready(self):
        from mediators import certificates  # noqa: F401 - registers the certificate attachment
