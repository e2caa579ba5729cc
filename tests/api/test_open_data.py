"""Open data: published by the region's verifier, anonymous, cached, never stale."""

import csv
import io

import pytest

from api.models import OpenDataRelease
from indicators.models import OfficialResult, Period, Submission
from indicators.services import workflow
from tests.api.conftest import api_client

JSON = "/api/v1/open-data/balikpapan/scores.json"
CSV = "/api/v1/open-data/balikpapan/scores.csv"


@pytest.fixture
def published(demo_with_values, as_user):
    period = demo_with_values.period
    response = as_user("verifikator").put(f"/api/v1/periods/{period.pk}/open-data/")
    assert response.status_code == 200 and response.json()["published"] is True
    return period


def test_nothing_is_public_until_the_verifier_publishes(demo_with_values, as_user):
    period = demo_with_values.period
    assert api_client().get(JSON).status_code == 404
    assert api_client().get(CSV).status_code == 404
    # Gugus Tugas and operators read the flag but do not set it; the other region gets a 404.
    url = f"/api/v1/periods/{period.pk}/open-data/"
    assert as_user("gugustugas").get(url).json()["published"] is False
    assert as_user("gugustugas").put(url).status_code == 403
    assert as_user("operator.dinkes").put(url).status_code == 403
    assert as_user("verifikator", "read").put(url).status_code == 403
    assert not OpenDataRelease.objects.exists()


def test_the_dataset_carries_satu_data_metadata_and_aggregates_only(published):
    response = api_client().get(JSON)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache" and response["ETag"]
    document = response.json()
    metadata = document["metadata"]
    for key in ("concept", "definition", "formula", "unit", "source", "responsible_unit",
                "period", "frequency"):  # fmt: skip
        assert metadata[key], key
    assert metadata["personal_data"] is False and metadata["agency_level"] is False
    (year,) = document["data"]
    assert year["year"] == published.year and len(year["clusters"]) == 6
    # No person and no agency: no user name, e-mail address or agency code as any value.
    from django.contrib.auth import get_user_model

    from indicators.models import Agency

    private = set(get_user_model().objects.values_list("username", flat=True))
    private |= set(get_user_model().objects.exclude(email="").values_list("email", flat=True))
    private |= set(Agency.objects.values_list("code", flat=True))
    assert not private & set(_strings(document))
    rows = list(csv.DictReader(io.StringIO(api_client().get(CSV).content.decode())))
    assert {row["level"] for row in rows} >= {"total", "category", "cluster", "indicator"}
    total = next(row for row in rows if row["level"] == "total")
    assert float(total["value"]) == year["total"]


def test_the_cache_never_serves_a_stale_score_or_result(
    published, as_user, django_capture_on_commit_callbacks
):
    first = api_client().get(JSON)
    etag = first["ETag"]
    assert api_client().get(JSON, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A review changes the verified total: the next answer says so at once.
    submission = (
        Submission.objects.filter(period=published, status="submitted")
        .exclude(item__evidence_required=True, evidence__isnull=True)
        .first()
    )
    before = first.json()["data"][0]["total"]
    with django_capture_on_commit_callbacks(execute=True):  # as the commit would
        workflow.submission_approve(
            submission_id=submission.pk,
            actor=_user("admin"),
            version=submission.version,
            note="uji",
        )
    second = api_client().get(JSON, HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200 and second["ETag"] != etag
    assert second.json()["data"][0]["total"] > before
    # An official result recorded in the admin shows at once too.
    OfficialResult.objects.update_or_create(period=published, defaults={"final_score": 801})
    assert api_client().get(JSON).json()["data"][0]["official"]["final_score"] == 801
    # A year the verifier withdraws is gone at once.
    assert (
        as_user("verifikator")
        .delete(f"/api/v1/periods/{published.pk}/open-data/")
        .json()["published"]
        is False
    )
    assert api_client().get(JSON).status_code == 404


def test_the_index_lists_published_regions_and_years(published):
    previous = Period.objects.get(region=published.region, year=published.year - 1)
    OpenDataRelease.objects.create(period=previous)
    body = api_client().get("/api/v1/open-data/").json()
    assert body == {"regions": [{"region": "balikpapan", "name": "Kota Balikpapan",
                                 "years": [previous.year, published.year]}]}  # fmt: skip


def test_english_metadata_on_request(published):
    english = api_client(language="en").get(JSON).json()["metadata"]
    assert english["frequency"] == "yearly" and english["language"] == "en"
    assert api_client().get(JSON).json()["metadata"]["frequency"] == "tahunan"


def test_publishing_is_audited(published):
    release = OpenDataRelease.objects.get(period=published)
    assert release.published_by.username == "verifikator"
    assert release.history.latest().history_user.username == "verifikator"


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value
