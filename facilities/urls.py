from django.urls import path

from facilities.views import coverage

app_name = "facilities"

urlpatterns = [
    path("cakupan/", coverage.coverage_page, name="coverage"),
    path("cakupan/export.xlsx", coverage.coverage_export, name="coverage-export"),
]
