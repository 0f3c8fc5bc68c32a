from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

# The admin has no login form of its own: it sends everyone to allauth's login, whose brute-force limits
# (ACCOUNT_RATE_LIMITS) then cover the admin too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    # Staff pages have no language prefix: they speak the staff member's own language (German unless she
    # chose another; config.middleware.StaffLanguageMiddleware).
    path("staff/mediators/", include("mediators.staff_urls")),
    path("staff/events/<slug:slug>/checkin/", include("backoffice.checkin_urls")),
    path("staff/events/<slug:slug>/exports/", include("backoffice.export_urls")),
    path("staff/", include("backoffice.urls")),
]
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("registrations.urls")),
    path("", include("mediators.urls")),
    path("", include("pages.urls")),
    path("", include("fachtag.urls")),
    path("feedback/", include("feedback.urls")),
    prefix_default_language=True,
)
