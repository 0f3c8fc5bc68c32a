from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Messages")

    def ready(self):
        # The sending tasks, registered with Celery in every process (the outbox hands messages over to them
        # by name: outbox.SEND_MESSAGE and the others).
        from notifications import tasks  # noqa: F401
