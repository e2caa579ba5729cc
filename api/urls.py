"""/api/v1/: the REST API; /api/tokens/: one's own tokens (the schema and docs are in
kla_portal/urls.py)."""

from django.urls import path, register_converter

from api import pages, views


class IdConverter:
    """An id the database can hold (18 digits at most): a longer one is a 404, never a 500."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"

urlpatterns = [
    path("v1/frameworks/", views.FrameworkList.as_view(), name="frameworks"),
    path("v1/frameworks/<slug:code>/", views.FrameworkDetail.as_view(), name="framework"),
    path("v1/regions/", views.RegionList.as_view(), name="regions"),
    path("v1/periods/", views.PeriodList.as_view(), name="periods"),
    path("v1/periods/<id:pk>/", views.PeriodDetail.as_view(), name="period"),
    path("v1/periods/<id:pk>/score/", views.PeriodScore.as_view(), name="period-score"),
    path(
        "v1/periods/<id:pk>/readiness/",
        views.PeriodReadiness.as_view(),
        name="period-readiness",
    ),
    path("v1/periods/<id:pk>/values/", views.ValuesPush.as_view(), name="period-values"),
    path("v1/periods/<id:pk>/open-data/", views.OpenDataState.as_view(), name="period-open-data"),
    path("v1/submissions/", views.SubmissionList.as_view(), name="submissions"),
    path("v1/submissions/<id:pk>/", views.SubmissionDetail.as_view(), name="submission"),
    path(
        "v1/submissions/<id:pk>/evidence/",
        views.EvidenceUpload.as_view(),
        name="submission-evidence",
    ),
    path("v1/evidence/<id:pk>/file/", views.EvidenceFile.as_view(), name="evidence-file"),
    path("v1/open-data/", views.OpenDataIndex.as_view(), name="open-data"),
    path(
        "v1/open-data/<slug:region>/scores.json",
        views.OpenDataJson.as_view(),
        name="open-data-json",
    ),
    path(
        "v1/open-data/<slug:region>/scores.csv",
        views.OpenDataCsv.as_view(),
        name="open-data-csv",
    ),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke/", pages.token_revoke, name="token-revoke"),
]
