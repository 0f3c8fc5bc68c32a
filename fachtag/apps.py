from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FachtagConfig(AppConfig):
    name = "fachtag"
    verbose_name = _("Events and programme")
