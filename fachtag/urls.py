from django.urls import path

from fachtag import views

app_name = "fachtag"
urlpatterns = [
    path("", views.home, name="home"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
]
