"""Check-in on the day; included at staff/events/<slug:slug>/checkin/ (the views get `slug` from there)."""

from django.urls import path

from backoffice import checkin

app_name = "backoffice-checkin"
urlpatterns = [
    path("", checkin.index, name="index"),
    path("code/", checkin.code, name="code"),
    path("registrations/<int:registration_id>/", checkin.registration, name="registration"),
    path("registrations/<int:registration_id>/undo/", checkin.undo, name="undo"),
    path("registrations/<int:registration_id>/certificate.pdf", checkin.certificate, name="certificate"),
]
