"""Reads for the back office: each a fixed number of queries, whatever the number of registrations."""

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import TruncDate

from fachtag.models import ChildcareGroup, Event, InterpreterBooking, Workshop
from registrations.models import Booking, Registration


def event_workshops(event: Event, *, parallel_only: bool = False):
    """The event's workshops in programme order, with their slot."""
    workshops = Workshop.objects.filter(slot__event=event).select_related("slot")
    if parallel_only:
        workshops = workshops.filter(slot__kind="parallel")
    return workshops.order_by("slot__starts_at", "slot_id", "position", "pk")


def workshop_figures(event: Event) -> list[Workshop]:
    """Every workshop of the event with its counts (one query)."""
    seated = Q(bookings__status=Booking.Status.CONFIRMED)
    return list(
        Workshop.objects.filter(slot__event=event)
        .select_related("slot")
        .annotate(
            confirmed=Count("bookings", filter=seated),
            waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
            offers=Count("bookings", filter=Q(bookings__status=Booking.Status.OFFERED)),
            checked_in=Count(
                "bookings", filter=seated & Q(bookings__registration__checked_in_at__isnull=False)
            ),
        )
        .order_by("slot__starts_at", "position", "pk")
    )


def status_counts(event: Event) -> dict:
    rows = Registration.objects.filter(event=event).values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    counts["checked_in"] = Registration.objects.filter(event=event, checked_in_at__isnull=False).count()
    return counts


def childcare_figures(event: Event) -> list[ChildcareGroup]:
    """Places asked for per age group (holding a place, and waiting) against the places there are."""
    return list(
        ChildcareGroup.objects.filter(event=event).annotate(
            requested=Count("children", filter=Q(children__registration__status__in=Registration.HOLDING)),
            waiting=Count(
                "children", filter=Q(children__registration__status=Registration.Status.WAITLISTED)
            ),
        )
    )


def interpreting_figures(event: Event) -> tuple[list, list]:
    """Requests per language, each with `arranged` (an interpreter is booked for it), and per workshop and
    language (two queries)."""
    active = Registration.objects.filter(event=event, status__in=Registration.ACTIVE).exclude(
        interpreting_language=""
    )
    booked = InterpreterBooking.objects.filter(event=event, language=OuterRef("interpreting_language"))
    per_language = list(
        active.values("interpreting_language")
        .annotate(n=Count("pk"), arranged=Exists(booked))
        .order_by("-n", "interpreting_language")
    )
    per_workshop = list(
        Booking.objects.filter(registration__in=active, status=Booking.Status.CONFIRMED)
        .values("workshop_id", "workshop__title", "registration__interpreting_language")
        .annotate(n=Count("pk"))
        .order_by("workshop_id", "-n")
    )
    return per_language, per_workshop


def signups_per_day(event: Event) -> list[dict]:
    return list(
        Registration.objects.filter(event=event)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )


# The participant list's sortable columns: the key in the address, and what it orders by ("-key": descending).
PARTICIPANT_SORTS = {
    "name": ("name",),
    "email": ("email",),
    "status": ("status_name",),
    "registered": ("created_at",),
    "language": ("language_name",),
}


def _by_name(field: str, choices) -> Case:
    """A coded column ordered by its name in the active language (the staff member's), not by its code."""
    return Case(
        *[When(**{field: code}, then=Value(str(name))) for code, name in choices],
        default=Value(""),
        output_field=CharField(),
    )


def participants(
    event: Event,
    *,
    q="",
    status="",
    workshop=None,
    language="",
    childcare="",
    interpreting="",
    sort="name",
):
    """The filtered list, sorted by one of PARTICIPANT_SORTS ("-name": descending; the registration's id
    breaks ties) (prefetching bookings and counting children: three queries per page)."""
    rows = Registration.objects.filter(event=event)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(organisation__icontains=q))
    if status:
        rows = rows.filter(status=status)
    if workshop:
        rows = rows.filter(bookings__workshop=workshop, bookings__status__in=Booking.ACTIVE)
    if language:
        rows = rows.filter(language=language)
    if childcare == "yes":
        rows = rows.filter(children__isnull=False)
    elif childcare == "no":
        rows = rows.filter(children__isnull=True)
    if interpreting:
        rows = rows.filter(interpreting_language=interpreting)
    bookings = Booking.objects.filter(status__in=Booking.ACTIVE).select_related("workshop", "slot")
    key = sort.removeprefix("-")
    descending = sort.startswith("-")
    order = [f"-{field}" if descending else field for field in PARTICIPANT_SORTS.get(key, ("name",))]
    return (
        rows.distinct()
        .annotate(
            child_count=Count("children", distinct=True),
            status_name=_by_name("status", Registration.Status.choices),
            language_name=_by_name("language", settings.LANGUAGES),
        )
        .prefetch_related(Prefetch("bookings", queryset=bookings))
        .order_by(*order, "-pk" if descending else "pk")
    )


def registration_detail(event: Event, registration_id: int) -> Registration:
    """One registration of this event (404 for any other), with everything the detail page shows."""
    bookings = Booking.objects.select_related("workshop", "slot").order_by("slot__starts_at", "pk")
    return (
        Registration.objects.filter(event=event)
        .prefetch_related(Prefetch("bookings", queryset=bookings), "children", "log__actor")
        .get(pk=registration_id)
    )
