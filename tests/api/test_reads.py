"""Reads: each caller sees exactly what the portal shows them, evidence bodies only through the
download check, and files attached with the upload's checks."""

import pytest

from indicators.models import Evidence, Submission
from tests.conftest import PDF, PNG


@pytest.fixture
def period(demo_with_values):
    return demo_with_values.period


def _ids(client, url):
    return {row["id"] for row in client.get(url + "?limit=500").json()["results"]}


def test_submissions_are_scoped_like_the_portal(period, other_region, as_user):
    dinkes = set(Submission.objects.filter(agency__code="DINKES").values_list("pk", flat=True))
    assert _ids(as_user("operator.dinkes"), "/api/v1/submissions/") == dinkes
    assert len(_ids(as_user("verifikator"), "/api/v1/submissions/")) == Submission.objects.count()
    assert _ids(as_user("verifikator.samarinda"), "/api/v1/submissions/") == set()
    assert _ids(as_user("gugustugas"), "/api/v1/submissions/") == set()
    other = Submission.objects.exclude(agency__code="DINKES").first()
    assert as_user("operator.dinkes").get(f"/api/v1/submissions/{other.pk}/").status_code == 404


def test_evidence_is_metadata_and_its_body_passes_the_download_check(period, as_user):
    evidence = Evidence.objects.filter(submission__agency__code="DINKES").first()
    row = as_user("operator.dinkes").get(f"/api/v1/submissions/{evidence.submission_id}/").json()
    listed = next(e for e in row["evidence"] if e["id"] == evidence.pk)
    assert listed["sha256"] == evidence.sha256 and "file" not in listed
    assert listed["file_url"] == f"/api/v1/evidence/{evidence.pk}/file/"
    body = as_user("operator.dinkes").get(listed["file_url"])
    assert body.status_code == 200 and body["Content-Security-Policy"].endswith("sandbox")
    assert b"".join(body.streaming_content) == evidence.file.open("rb").read()
    assert as_user("operator.disdik").get(listed["file_url"]).status_code == 404


def test_scores_on_every_basis_and_who_may_read_them(period, as_user):
    url = f"/api/v1/periods/{period.pk}/score/"
    totals = {}
    for basis in ("self", "verified", "ready"):
        body = as_user("gugustugas").get(f"{url}?basis={basis}").json()
        assert body["basis"] == basis and body["agencies"] is None
        totals[basis] = body["total"]
    assert totals["self"] >= totals["verified"] >= totals["ready"]
    # The operator reads what their own agency's answers earn, not the region's.
    own = as_user("operator.dinkes").get(f"{url}?basis=self").json()
    assert own["agencies"] == ["DINKES"] and own["total"] < totals["self"]
    assert as_user("operator.dinkes").get(f"{url}?agency=DISDIK").status_code == 404
    assert (
        as_user("operator.dinkes").get(f"/api/v1/periods/{period.pk}/readiness/").status_code == 403
    )
    readiness = as_user("verifikator").get(f"/api/v1/periods/{period.pk}/readiness/").json()
    assert readiness["summary"]["ready"] + readiness["summary"]["not_ready"] == len(
        readiness["items"]
    )


def test_the_other_region_sees_none_of_it(period, other_region, as_user):
    client = as_user("verifikator.samarinda")
    for path in ("", "score/", "readiness/", "open-data/"):
        assert client.get(f"/api/v1/periods/{period.pk}/{path}").status_code == 404, path
    assert [p["region"] for p in client.get("/api/v1/periods/").json()["results"]] == []


def test_edition_detail_lists_items_and_requirements(period, as_user):
    body = as_user("operator.dinkes").get(f"/api/v1/frameworks/{period.framework.code}/").json()
    items = [i for c in body["clusters"] for ind in c["indicators"] for i in ind["items"]]
    assert len(items) == period.framework.clusters.values("indicators__items").count()
    assert any(item["requirements"] for item in items)


def test_evidence_is_attached_with_the_uploads_checks(demo, make_draft, as_user):
    draft = make_draft("III.12.a", numerator=95, denominator=100)
    url = f"/api/v1/submissions/{draft.pk}/evidence/"
    client = as_user("operator.dinkes")
    ok = client.post(url, {"file": _file(PDF, "rekap.pdf"), "title": "Rekap"}, format="multipart")
    assert ok.status_code == 201, ok.json()
    evidence = Evidence.objects.get(pk=ok.json()["id"])
    assert evidence.history.latest().history_user.username == "operator.dinkes"
    # Content, not name: an executable called .pdf is refused with the reason.
    bad = client.post(
        url, {"file": _file(b"MZ\x90\x00" + b"\x00" * 60, "x.pdf")}, format="multipart"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "file_rejected"
    # A requirement of another item is refused; so is a read-only token and another agency.
    wrong = client.post(
        url, {"file": _file(PNG, "a.png"), "requirement": "nope"}, format="multipart"
    )
    assert wrong.status_code == 404
    read_only = as_user("operator.dinkes", "read").post(url, {"file": _file(PNG, "a.png")})
    assert read_only.status_code == 403
    other = as_user("operator.disdik").post(url, {"file": _file(PNG, "a.png")}, format="multipart")
    assert other.status_code == 404
    assert Evidence.objects.filter(submission=draft).count() == 1


def test_a_submitted_answer_takes_no_file(demo, make_draft, as_user):
    from indicators.services import workflow

    draft = make_draft("III.12.a", numerator=95, denominator=100)
    from tests.conftest import attach

    attach(draft)
    workflow.submission_submit(submission=draft, actor=None, version=draft.version)
    response = as_user("operator.dinkes").post(
        f"/api/v1/submissions/{draft.pk}/evidence/",
        {"file": _file(PNG, "b.png")},
        format="multipart",
    )
    assert response.status_code == 409 and "diverifikasi" in response.json()["detail"]


def _file(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
