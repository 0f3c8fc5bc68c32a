from django.http import Http404
from django.shortcuts import render

from fachtag import selectors
from fachtag.models import Event


def home(request):
    events = list(selectors.upcoming_public_events())
    return render(request, "fachtag/home.html", {"events": events})


def event_detail(request, slug: str):
    try:
        event = selectors.event_with_programme(slug=slug)
    except Event.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "fachtag/event_detail.html",
        {"event": event, "registration_state": event.registration_state()},
    )
