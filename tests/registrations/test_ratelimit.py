"""Rate limits count per client address; a forged X-Forwarded-For neither hides nor frames anyone."""

import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from config.http import client_ip
from config.redis_client import redis_client
from registrations.ratelimit import too_many
from tests.factories import EventFactory
from tests.registrations.test_signup_views import valid_post


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def request_with(forwarded=None, remote="10.0.0.9"):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_behind_one_proxy_the_address_our_proxy_saw_counts_not_what_the_client_claims(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_with("203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_with("1.2.3.4, 5.6.7.8, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_second_entry_from_the_right_counts(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_with("1.2.3.4, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"
    assert client_ip(request_with("10.0.0.2")) == "10.0.0.9"  # fewer entries than proxies: the socket


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_with("203.0.113.7")) == "10.0.0.9"


@pytest.mark.parametrize("forged", ["", "x" * 5000, "not-an-ip", "\ud800", "1.2.3.4, <script>", "::1%eth0 x"])
def test_a_garbled_header_falls_back_to_the_socket_address(forged):
    assert client_ip(request_with(forged)) == "10.0.0.9"


def test_a_key_of_any_length_or_content_is_still_limited():
    key = "é\x00" + "x" * 5000
    assert [too_many("test", key, limit=2) for _ in range(3)] == [False, False, True]
    assert too_many("test", "another", limit=2) is False


def test_the_window_opens_with_the_first_attempt_and_later_ones_do_not_move_it():
    client = redis_client()
    too_many("test", "10.0.0.9", limit=5, window=60)
    (key,) = client.keys("ratelimit:test:*")
    assert 55 < client.ttl(key) <= 60
    client.expire(key, 5)  # as if 55 seconds had passed
    too_many("test", "10.0.0.9", limit=5, window=60)
    assert client.ttl(key) <= 5 and int(client.get(key)) == 2


def test_a_new_window_counts_from_one_again():
    assert [too_many("test", "10.0.0.9", limit=1) for _ in range(2)] == [False, True]
    (key,) = redis_client().keys("ratelimit:test:*")
    redis_client().pexpire(key, 1)
    time.sleep(0.01)
    assert too_many("test", "10.0.0.9", limit=1) is False


@pytest.mark.django_db
def test_by_default_a_rotating_forwarded_header_does_not_lift_the_sign_up_limit(client):
    """No TRUSTED_PROXY_COUNT set (gunicorn faces the network): X-Forwarded-For is only what the client says."""
    event = EventFactory(capacity=100)
    statuses = [
        valid_post(
            client, event, email=f"r{n}@example.org", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(12)
    ]
    assert statuses == [302] * 10 + [429] * 2
