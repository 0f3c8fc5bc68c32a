from django.urls import path

from pages import views

app_name = "pages"
urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("imprint/", views.imprint, name="imprint"),
]
