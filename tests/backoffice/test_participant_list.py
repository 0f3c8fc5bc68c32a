"""The participant list: sortable columns (aria-sort, kept with filters and pages), filters folded away
unless one is active, the count of results, languages by name, and its queries at 5,000 registrations."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registrations.models import Registration
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db


def list_url(event, query: str = "") -> str:
    return reverse("backoffice:participants", kwargs={"slug": event.slug}) + (f"?{query}" if query else "")


def names_in(page: str) -> list[str]:
    """The names in the list's rows, in order."""
    return re.findall(r'/participants/\d+/"><bdi>([^<]+)</bdi>', page)


@pytest.fixture
def people(client, two_events, time_machine):
    """Three people signed up a day apart, in a deliberate mix of names, addresses, statuses and languages."""
    a, _b, roles = two_events
    start = timezone.now() - timedelta(days=10)
    rows = [
        ("Chadia Omar", "zz@example.org", "ar"),  # Arabisch
        ("Anna Berg", "mm@example.org", "uk"),  # Ukrainisch
        ("Berfin Kaya", "aa@example.org", "tr"),  # Türkisch
    ]
    made = []
    for day, (name, email, language) in enumerate(rows):
        time_machine.move_to(start + timedelta(days=day), tick=False)
        made.append(sign_up(a, name=name, email=email, language=language))
    time_machine.move_to(start + timedelta(days=5), tick=False)
    # Statuses by their German names: Bestätigt (Chadia), Abgesagt (Berfin), Auf der Warteliste (Anna).
    Registration.objects.filter(pk=made[2].pk).update(status=Registration.Status.CANCELLED)
    Registration.objects.filter(pk=made[1].pk).update(status=Registration.Status.WAITLISTED)
    client.force_login(roles["organiser_a"])
    return a


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Anna Berg", "Berfin Kaya", "Chadia Omar"]),
        ("-name", ["Chadia Omar", "Berfin Kaya", "Anna Berg"]),
        ("email", ["Berfin Kaya", "Anna Berg", "Chadia Omar"]),
        ("-email", ["Chadia Omar", "Anna Berg", "Berfin Kaya"]),
        ("status", ["Berfin Kaya", "Anna Berg", "Chadia Omar"]),  # Abgesagt, Auf der Warteliste, Bestätigt
        ("-status", ["Chadia Omar", "Anna Berg", "Berfin Kaya"]),
        ("registered", ["Chadia Omar", "Anna Berg", "Berfin Kaya"]),
        ("-registered", ["Berfin Kaya", "Anna Berg", "Chadia Omar"]),
        ("language", ["Chadia Omar", "Berfin Kaya", "Anna Berg"]),  # Arabisch, Türkisch, Ukrainisch
        ("-language", ["Anna Berg", "Berfin Kaya", "Chadia Omar"]),
    ],
)
def test_each_column_sorts_both_ways(client, people, sort, expected):
    page = client.get(list_url(people, f"sort={sort}")).content.decode()
    assert names_in(page) == expected
    column = sort.removeprefix("-")
    direction = "descending" if sort.startswith("-") else "ascending"
    headers = re.findall(
        r'<th class="kern-table__header" scope="col" aria-sort="(\w+)"><a [^>]*href="([^"]*)"', page
    )
    # One sorted column; its link sorts the other way.
    assert len(headers) == 1 and headers[0][0] == direction
    assert headers[0][1] == f"?sort={'' if sort.startswith('-') else '-'}{column}"


def test_the_list_is_sorted_by_name_unless_asked_otherwise(client, people):
    for query in ("", "sort=nonsense", "sort=-password"):
        page = client.get(list_url(people, query)).content.decode()
        assert names_in(page) == ["Anna Berg", "Berfin Kaya", "Chadia Omar"]
        assert page.count("aria-sort=") == 1 and 'aria-sort="ascending"' in page


def test_languages_are_shown_and_sorted_by_their_name_in_the_staff_members_language(client, people):
    page = client.get(list_url(people)).content.decode()
    assert ">Arabisch<" in page and ">Ukrainisch<" in page and ">Türkisch<" in page
    assert not re.search(r'<td class="kern-table__cell">(ar|uk|tr)</td>', page)
    user = get_user_model().objects.get(email="orga@example.org")
    user.language = "en"
    user.save()
    english = client.get(list_url(people, "sort=language")).content.decode()
    assert ">Arabic<" in english and ">Ukrainian<" in english
    assert names_in(english) == ["Chadia Omar", "Berfin Kaya", "Anna Berg"]  # Arabic, Turkish, Ukrainian


def test_the_filters_are_folded_away_until_one_is_used_and_the_results_are_counted(client, people):
    page = client.get(list_url(people)).content.decode()
    assert '<details class="kern-accordion participant-filters">' in page
    assert "3 Anmeldungen" in page
    filtered = client.get(list_url(people, "status=cancelled&sort=-name")).content.decode()
    assert '<details class="kern-accordion participant-filters" open>' in filtered
    assert "1 Anmeldung<" in filtered and names_in(filtered) == ["Berfin Kaya"]
    # The sort goes with the filter form; the column links keep the filter.
    assert '<input type="hidden" name="sort" value="-name">' in filtered
    assert 'href="?status=cancelled&amp;sort=name"' in filtered
    assert 'href="?status=cancelled&amp;sort=email"' in filtered
    # Only the sort asked for: the list is unfiltered, the filters stay folded.
    assert (
        '<details class="kern-accordion participant-filters">'
        in client.get(list_url(people, "sort=email")).content.decode()
    )


def test_pages_keep_the_sort_and_the_filter(client, two_events):
    a, _b, roles = two_events
    now = timezone.now()
    add_registrations(a, 120, now)
    client.force_login(roles["organiser_a"])
    page = client.get(list_url(a, "sort=-email&status=confirmed")).content.decode()
    assert 'href="?sort=-email&amp;status=confirmed&amp;page=2"' in page and "72 Anmeldungen" in page
    second = client.get(list_url(a, "sort=-email&status=confirmed&page=2")).content.decode()
    first_page, second_page = (
        re.findall(r"<td class=\"kern-table__cell\"><bdi>([^<]+)</bdi></td>", html) for html in (page, second)
    )
    assert (len(first_page), len(second_page)) == (50, 22)
    assert first_page + second_page == sorted(first_page + second_page, reverse=True)
    # A column link starts from the first page again.
    assert 'href="?sort=email&amp;status=confirmed"' in second


def add_registrations(event, count: int, now) -> None:
    """Many registrations at once (statuses, languages and days mixed), as the budget needs them."""
    languages = ["de", "ar", "uk", "fa", "en", "tr", "ru", "de-simple"]
    statuses = [Registration.Status.CONFIRMED] * 3 + [
        Registration.Status.WAITLISTED,
        Registration.Status.CANCELLED,
    ]
    Registration.objects.bulk_create(
        Registration(
            event=event,
            status=statuses[n % len(statuses)],
            name=f"Teilnehmerin {n:05d}",
            email=f"person{n:05d}@example.org",
            language=languages[n % len(languages)],
            privacy_consent_at=now,
            privacy_notice_version="2026-11-26",
        )
        for n in range(count)
    )


SORTED_PAGES = [
    "sort=-language&page=40",
    "sort=status&language=ar&childcare=no",
    "sort=-registered&q=Teilnehmerin+01&page=2",
    "sort=email&status=waitlisted",
]
# The list's queries (session, user, her role, the event, the count, the page, its bookings and children…)
# do not grow with the registrations.
BUDGET = 11
GROWTH_ALLOWANCE = 2  # as in tests/test_query_budgets.py (a page 2 that exists, a prefetch with rows)


def test_the_sorted_list_stays_within_its_query_budget_at_5000_registrations(client, two_events):
    a, _b, roles = two_events
    now = timezone.now()
    client.force_login(roles["organiser_a"])
    add_registrations(a, 12, now)
    small = {query: count_queries(client, list_url(a, query)) for query in SORTED_PAGES}
    Registration.objects.filter(event=a).delete()
    add_registrations(a, 5000, now)
    for query in SORTED_PAGES:
        large = count_queries(client, list_url(a, query))
        assert large <= BUDGET and large <= small[query] + GROWTH_ALLOWANCE, (query, large, small[query])


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)
