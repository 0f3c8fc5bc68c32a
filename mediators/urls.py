from django.urls import path

from mediators import views

app_name = "mediators"
urlpatterns = [
    path("mediators/invitation/<str:token>/", views.invitation, name="invitation"),
    path("my/trainings/", views.portal, name="portal"),
    path("my/trainings/reply/", views.reply, name="reply"),
    path("my/trainings/feed/renew/", views.renew_feed, name="renew_feed"),
    path("my/trainings/<int:enrolment_id>/certificate.pdf", views.certificate, name="certificate"),
    path("my/trainings/<int:enrolment_id>/feedback/", views.feedback_form, name="feedback"),
    path("my/profile/", views.profile, name="profile"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
