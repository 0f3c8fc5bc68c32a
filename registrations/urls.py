from django.urls import path

from registrations import privacy_views, views

app_name = "registrations"
urlpatterns = [
    path("events/<slug:slug>/signup/", views.signup, name="signup"),
    path("r/<str:token>/", views.manage, name="manage"),
    path("r/<str:token>/done/", views.done, name="done"),
    path("r/<str:token>/fachtag.ics", views.calendar_file, name="calendar"),
    path("r/<str:token>/qr.svg", views.qr_code, name="qr"),
    path("r/<str:token>/my-data.json", privacy_views.download_data, name="download_data"),
    path("r/<str:token>/offer/", views.offer, name="offer"),
    path("r/<str:token>/accept/", views.accept_offer, name="accept_offer"),
    path("r/<str:token>/cancel/", views.cancel, name="cancel"),
    path("r/<str:token>/workshops/", views.change_workshops, name="change_workshops"),
    path("r/<str:token>/childcare/", views.change_childcare, name="change_childcare"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("confirm/<str:token>/", views.confirm_email_entry, name="confirm_email"),
    path("my/", views.my_registrations, name="mine"),
    path("link/", views.resend_link, name="resend_link"),
    path("link/sent/", views.link_sent, name="link_sent"),
]
