from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    path("<int:survey_id>/change/", views.change, name="change"),
    path("<str:token>/", views.answer, name="answer"),
]
