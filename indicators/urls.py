from django.urls import path

from indicators.views import dashboard, home

app_name = "indicators"

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", dashboard.dashboard_export, name="dashboard-export"),
]
