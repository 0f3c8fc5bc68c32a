"""The answers go with the event's other data: when registrations.services.privacy anonymises an event."""

from django.dispatch import receiver

from feedback import services
from registrations.services.privacy import event_anonymised


@receiver(event_anonymised)
def delete_answers(sender, event_id: int, **kwargs) -> None:
    services.delete_event_feedback(event_id=event_id)
