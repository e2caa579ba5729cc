from django.urls import path

from facilities.views import coverage, register, visits

app_name = "facilities"

urlpatterns = [
    path("register/", register.register, name="register"),
    path("register/export/", register.register_export, name="register-export"),
    path("register/add/", register.facility_add, name="facility-add"),
    path("register/<int:pk>/", register.facility_edit, name="facility-edit"),
    path("register/<int:pk>/close/", register.facility_close, name="facility-close"),
    path(
        "register/<int:pk>/certificates/add/",
        register.certification_add,
        name="certification-add",
    ),
    path(
        "register/certificates/<int:pk>/",
        register.certification_edit,
        name="certification-edit",
    ),
    path(
        "register/certificates/<int:pk>/file/",
        register.certificate_download,
        name="certificate-download",
    ),
    path("cakupan/", coverage.coverage_page, name="coverage"),
    path("cakupan/export.xlsx", coverage.coverage_export, name="coverage-export"),
    path("lokus/", visits.visit_plan_page, name="visit-plan"),
]
