from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediatorsConfig(AppConfig):
    name = "mediators"
    verbose_name = _("Language and integration mediators")

    def ready(self):
        from fachtag.models import Event
        from feedback.services import register_inviter
        from mediators import certificates  # noqa: F401 - registers the certificate attachment
        from mediators.services import invite_to_feedback

        # A training series gets its survey by the feedback beat; its mediators are asked here.
        register_inviter(Event.Kind.TRAINING, invite_to_feedback)
