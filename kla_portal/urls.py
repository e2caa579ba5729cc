"""URL routes: accounts, the OPD workspace and dashboard (indicators), the register of places
(facilities), the admin, health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api.pages import docs as api_docs
from indicators.views import healthz
from kla_portal import accounts, errors

# django.contrib.auth.urls with the same paths and names, but the password change counts failed
# old passwords like logins, and the reset is throttled and Indonesian (kla_portal/accounts.py).
account_urls = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # In the portal's look; the admin's own change page keeps Django's admin templates.
    path(
        "password_change/",
        accounts.PasswordChangeView.as_view(
            template_name="registration/portal_password_change_form.html", styled=True
        ),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/portal_password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
# The admin's own password change page checks the old password the same counted way; set before
# admin.site.urls builds its routes.
admin.site.password_change = accounts.admin_password_change

urlpatterns = [
    path("accounts/", include(account_urls)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The API (api/): its schema and its page for signed-in users, then /api/v1/ and tokens.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("fasilitas/", include("facilities.urls")),
    path("", include("verification.urls")),
    path("", include("indicators.urls")),
]

# An unknown address under /api/ answers the API's JSON problem; elsewhere Django's page.
handler404 = errors.not_found
