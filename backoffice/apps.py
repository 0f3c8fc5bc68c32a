from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = _("Back office")

    def ready(self):
        from backoffice import audit
        from mediators.audit import staff_action

        # The organisers' actions on mediators reach the audit log through this signal (mediators/audit.py).
        staff_action.connect(audit.record_mediators_action, dispatch_uid="backoffice.audit.mediators")
