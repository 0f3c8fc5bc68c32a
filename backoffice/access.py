"""Object-level rights in one place: every back-office view gets its event (and registrations) from here."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from backoffice.models import EventRole
from fachtag.models import Event
from mediators.models import MANAGE_PERMISSION
from registrations.models import Registration

ORGANISER, CHECKIN = EventRole.Role.ORGANISER, EventRole.Role.CHECKIN


def events_for(user, *, roles=(ORGANISER, CHECKIN)) -> QuerySet[Event]:
    """The events this person may work on with one of these roles (all of them for global administrators)."""
    if not user.is_authenticated or not user.is_active:
        return Event.objects.none()
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(staff_roles__user=user, staff_roles__role__in=roles).distinct()


def works_in_staff_area(user) -> bool:
    """Staff accounts and holders of an event role; not a mediator or a participant who is signed in."""
    return user.is_authenticated and user.is_active and (user.is_staff or events_for(user).exists())


def event_or_404(user, slug: str, *, roles=(ORGANISER,)) -> Event:
    """The event, if she may act on it in one of these roles; 404 otherwise (nothing about it leaks)."""
    return get_object_or_404(events_for(user, roles=roles), slug=slug)


def report_event_or_404(user, slug: str) -> Event:
    """The event whose report (and feedback survey) she may see: a training series for holders of the
    mediators' permission, as its series page (an event role on it is not enough); any other event for its
    organisers only, exactly as event_or_404. 404 otherwise."""
    series = Event.objects.filter(slug=slug, kind=Event.Kind.TRAINING).first()
    if series is None:
        return event_or_404(user, slug)
    if user.is_active and user.has_perm(MANAGE_PERMISSION):
        return series
    raise Http404


def can_organise(user, event: Event) -> bool:
    return events_for(user, roles=(ORGANISER,)).filter(pk=event.pk).exists()


def registration_or_404(event: Event, registration_id: int, **filters) -> Registration:
    """A registration of this event (an id of another event is a 404, like one that does not exist)."""
    return get_object_or_404(
        Registration.objects.select_related("event"), event=event, pk=registration_id, **filters
    )
