import pytest
from django.contrib.auth import get_user_model

from fachtag.models import Event, TimeSlot
from mediators import services
from mediators.models import MediatorProfile
from tests.browser_support import axe_violations, log_in
from tests.factories import EventFactory, TimeSlotFactory, WorkshopFactory, berlin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_mediator_portal_has_no_wcag_violations(page, live_server, language):
    event = EventFactory(
        kind=Event.Kind.TRAINING, starts_at=berlin(2099, 2, 1, 16, 0), ends_at=berlin(2099, 6, 1, 19, 0)
    )
    for month in (2, 3):
        slot = TimeSlotFactory(
            event=event,
            kind=TimeSlot.Kind.PLENARY,
            starts_at=berlin(2099, month, 5, 16, 0),
            ends_at=berlin(2099, month, 5, 19, 0),
        )
        WorkshopFactory(slot=slot, title_de=f"Thema {month}")
    user = get_user_model().objects.create_user(email="samira@example.org", password="a-long-password-1")
    MediatorProfile.objects.create(user=user, language=language)
    services.enrol(event_id=event.pk)
    log_in(page, live_server, user)
    for path in ("/my/trainings/", "/my/profile/"):
        page.goto(f"{live_server.url}/{language}{path}")
        assert page.locator("h1").count() == 1
        assert axe_violations(page) == []
    assert page.foreign_requests == []
