"""The issue's yardstick, measured beside the rush: a bare Django form with one locked insert.

bench/rush starts it under gunicorn (the same worker settings, the same PostgreSQL) and sends people
through it as through the sign-up: GET the form (CSRF cookie), POST it, follow the redirect to a page that
reads her row. Nothing else: no sessions, no users, no translations, no mail, no cache. What one
registration costs here is what the machine charges for Django, gunicorn and PostgreSQL themselves at
that moment, so the sign-up's CPU over this one moves less with the VM's faster and slower minutes than
its CPU-seconds do (less, though not by nothing: bench/HISTORY.md, session 8).

This module is that site's settings, URLs, views and WSGI application in one (DJANGO_SETTINGS_MODULE=bare).
"""

import functools
import os

import environ
from django import forms
from django.core.wsgi import get_wsgi_application
from django.db import connection, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path

# --- Settings: startproject's, less what a form with a CSRF token does not use -----------------------
DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-only-secret-key-not-for-production")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bare"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": False}]
DATABASES = {"default": {**environ.Env.db_url_config(os.environ["DATABASE_URL"]), "CONN_MAX_AGE": 60}}
USE_TZ = True
TIME_ZONE = "Europe/Berlin"
# Its tables (bench/rush.py makes them): bare_place, one row to lock; bare_signup, one row per sign-up.


class SignupForm(forms.Form):
    name = forms.CharField(max_length=150)
    email = forms.EmailField()


PAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{{ title }}</title></head><body>
<main>{% if form %}<form method="post">{% csrf_token %}{{ form }}<button type="submit">Anmelden</button></form>
{% else %}<p>Angemeldet: {{ name }} ({{ email }})</p>{% endif %}</main></body></html>"""


@functools.cache
def _template():
    return engines["django"].from_string(PAGE)


def _page(request, **context):
    return HttpResponse(_template().render(context, request))


def signup(request):
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT taken FROM bare_place WHERE id = 1 FOR UPDATE")
            cursor.execute(
                "INSERT INTO bare_signup (name, email, created_at) VALUES (%s, %s, now()) RETURNING id",
                [form.cleaned_data["name"], form.cleaned_data["email"]],
            )
            (signup_id,) = cursor.fetchone()
        return redirect("done", signup_id=signup_id)
    return _page(request, title="Anmeldung", form=form)


def done(request, signup_id: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, email FROM bare_signup WHERE id = %s", [signup_id])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return _page(request, title="Angemeldet", name=row[0], email=row[1])


urlpatterns = [path("", signup), path("done/<int:signup_id>/", done, name="done")]

application = get_wsgi_application()
