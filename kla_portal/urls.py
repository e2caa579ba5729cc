"""URL routes: accounts, the OPD workspace and dashboard (indicators), the admin, health."""

from django.contrib import admin
from django.urls import include, path

from indicators.views import healthz

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("indicators.urls")),
]
