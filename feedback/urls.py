from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    path("<slug:slug>/change/", views.change, name="change"),
    path("<str:token>/", views.answer, name="answer"),
]
