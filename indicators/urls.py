from django.urls import path

from indicators.views import dashboard, evidence, home, province, workspace

app_name = "indicators"

urlpatterns = [
    path("", home.home, name="home"),
    path("items/<str:code>/", workspace.item_detail, name="item"),
    path("items/<str:code>/withdraw/", workspace.item_withdraw, name="item-withdraw"),
    path("evidence/<int:pk>/", evidence.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/remove/", evidence.evidence_remove, name="evidence-remove"),
    path("evidence/<int:pk>/document/", evidence.evidence_describe, name="evidence-describe"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", dashboard.dashboard_export, name="dashboard-export"),
    path("provinsi/", province.province_page, name="province"),
]
