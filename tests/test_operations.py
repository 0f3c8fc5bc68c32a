"""What an operator relies on: the health endpoint, and a key rotation that keeps every link working."""

import pytest
import redis
from django.db import OperationalError, connection
from django.urls import reverse

from registrations.tokens import CHECKIN_SALT, make_token, registration_from_token
from tests.factories import EventFactory
from tests.registrations.helpers import sign_up

pytestmark = pytest.mark.django_db


def test_health_answers_200_when_database_and_redis_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_health_answers_a_container_probe_on_plain_http_with_any_host(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["fachtag.example.org"]
    response = client.get("/healthz", HTTP_HOST="localhost:8000")
    assert response.status_code == 200
    assert client.get("/de/", HTTP_HOST="localhost:8000").status_code == 400  # everything else still checked


def test_health_answers_503_and_names_redis_when_redis_is_away(client, monkeypatch):
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5, socket_timeout=0.5)
    monkeypatch.setattr("config.health.redis_client", lambda: dead)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}


def test_health_answers_503_and_names_the_database_when_it_is_away(client, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_says_redis_is_not_configured_in_the_quick_start(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_a_rotated_key_keeps_her_link_and_check_in_code_working(client, settings):
    registration = sign_up(EventFactory(capacity=10))
    settings.SECRET_KEY = "old-key-" + "o" * 50
    link = reverse("registrations:manage", kwargs={"token": make_token(registration)})
    check_in_code = make_token(registration, salt=CHECKIN_SALT)

    settings.SECRET_KEY = "new-key-" + "n" * 50
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(link).status_code == 404  # without the old key the link is unknown

    settings.SECRET_KEY_FALLBACKS = ["old-key-" + "o" * 50]
    assert client.get(link).status_code == 200
    assert registration_from_token(check_in_code, salt=CHECKIN_SALT) == registration
