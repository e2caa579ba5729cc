"""The findings pages: who sees which finding, the agency's answer, DP3AKB's close and reopen
from the admin, the home's open findings first."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.conftest import PDF, upload
from verification.models import Finding

F = Finding.Status
pytestmark = pytest.mark.django_db


def test_the_list_shows_each_visitor_only_what_they_may_see(
    client, record, operator, other_operator, verifier, gugus_tugas, other_region
):
    from django.contrib.auth import get_user_model

    dinkes = record("III.12.a")
    disdik = record("IV.19.a", ["DISDIK"])
    outsider = get_user_model().objects.get(username="verifikator.samarinda")
    expected = {
        operator: {dinkes},
        other_operator: {disdik},
        verifier: {dinkes, disdik},
        gugus_tugas: {dinkes, disdik},
        outsider: set(),
    }
    for user, findings in expected.items():
        client.force_login(user)
        response = client.get("/temuan/")
        assert response.status_code == 200
        assert set(response.context["page"].object_list) == findings, user


def test_the_detail_is_a_404_outside_the_findings_scope(client, record, other_operator, operator):
    finding = record()
    client.force_login(other_operator)
    assert client.get(f"/temuan/{finding.pk}/").status_code == 404
    client.force_login(operator)
    page = client.get(f"/temuan/{finding.pk}/")
    assert page.status_code == 200 and 'id="answer-form"' in page.content.decode()


def test_filters_by_status_stage_and_agency(client, record, verifier, operator):
    late = record("III.12.a", due_at=timezone.now() - datetime.timedelta(hours=1))
    record("III.13.a", stage="va")
    record("IV.19.a", ["DISDIK"])
    client.force_login(verifier)

    def listed(query):
        return {f.target_code for f in client.get(f"/temuan/?{query}").context["page"].object_list}

    assert listed("status=overdue") == {late.target_code}
    assert listed("stage=va") == {"III.13.a"}
    assert listed("agency=disdik") == {"IV.19.a"}
    assert listed("status=closed") == set()
    assert listed(f"year={late.period.year - 1}") == set()
    assert listed(f"year={late.period.year}&agency=dinkes") == {"III.12.a", "III.13.a"}
    assert listed("status=nonsense&stage=<x>&agency=a%20b") == {"III.12.a", "III.13.a", "IV.19.a"}


def test_overdue_counts_at_a_fixed_now(client, record, verifier, monkeypatch):
    finding = record()
    later = finding.due_at + datetime.timedelta(minutes=5)
    client.force_login(verifier)
    assert client.get("/temuan/").context["counts"].overdue == 0
    # The page's clock only: the session and everything else keep the real time.
    monkeypatch.setattr("verification.views.timezone", SimpleNamespace(now=lambda: later))
    response = client.get("/temuan/")
    assert response.context["counts"].overdue == 1
    assert "Lewat tenggat" in response.content.decode()


def test_the_agency_answers_with_a_note_and_a_file(client, record, operator):
    finding = record()
    client.force_login(operator)
    response = client.post(
        f"/temuan/{finding.pk}/",
        {"agency": str(finding.agencies.get().pk), "note": "Laporan terlampir.",
         "version": "1", "file": upload(PDF, "laporan.pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == F.ANSWERED
    assert finding.responses.get().evidence.original_name == "laporan.pdf"


def test_a_stale_answer_is_refused_with_a_message(client, record, operator):
    finding = record()
    client.force_login(operator)
    data = {"agency": str(finding.agencies.get().pk), "note": "x", "version": "0"}
    response = client.post(f"/temuan/{finding.pk}/", data)
    assert response.status_code == 400
    assert "sudah diubah orang lain" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == F.OPEN


def test_an_empty_note_or_a_bad_file_is_refused(client, record, operator):
    finding = record()
    client.force_login(operator)
    agency = str(finding.agencies.get().pk)
    empty = client.post(f"/temuan/{finding.pk}/", {"agency": agency, "note": "", "version": "1"})
    assert empty.status_code == 400
    bad = client.post(
        f"/temuan/{finding.pk}/",
        {"agency": agency, "note": "x", "version": "1", "file": upload(b"MZ\x90", "a.pdf")},
    )
    assert bad.status_code == 400 and 'id="answer-form"' in bad.content.decode()


def test_a_verifier_cannot_answer_and_an_operator_cannot_close(client, record, verifier, operator):
    finding = record()
    client.force_login(verifier)
    client.post(f"/temuan/{finding.pk}/", {"note": "x", "version": "1"})
    client.force_login(operator)
    response = client.post(
        f"/admin/verification/finding/{finding.pk}/decide/", {"action": "close", "version": "1"}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    finding.refresh_from_db()
    assert finding.status == F.OPEN and not finding.responses.exists()


def test_dp3akb_closes_and_reopens_from_the_admin(client, record, verifier):
    finding = record()
    client.force_login(verifier)
    page = client.get(f"/admin/verification/finding/{finding.pk}/change/").content.decode()
    assert 'id="finding-close"' in page and "Data cakupan berbeda" in page
    url = f"/admin/verification/finding/{finding.pk}/decide/"
    assert client.post(url, {"action": "close", "version": "1"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == F.CLOSED
    # a reopen without a reason is refused; a stale version conflicts
    client.post(url, {"action": "reopen", "version": "2", "note": ""})
    client.post(url, {"action": "reopen", "version": "1", "note": "Kurang."})
    finding.refresh_from_db()
    assert finding.status == F.CLOSED
    client.post(url, {"action": "reopen", "version": "2", "note": "Kurang tanda tangan."})
    finding.refresh_from_db()
    assert finding.status == F.OPEN


def test_the_other_regions_verifier_cannot_close(client, record, other_region):
    from django.contrib.auth import get_user_model

    finding = record()
    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    url = f"/admin/verification/finding/{finding.pk}/decide/"
    assert client.post(url, {"action": "close", "version": "1"}).status_code == 404
    finding.refresh_from_db()
    assert finding.status == F.OPEN


def test_dp3akb_records_a_finding_in_the_admin(
    client, demo, verifier, django_capture_on_commit_callbacks
):
    from django.core import mail

    from clusters.models import Item
    from indicators.models import Agency

    client.force_login(verifier)
    data = {
        "period": demo.period.pk, "stage": "vl", "item": Item.objects.get(code="III.12.a").pk,
        "text": "Unggah laporan.", "agencies": [Agency.objects.get(code="DINKES").pk],
        "due_at_0": "", "due_at_1": "",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/verification/finding/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    finding = Finding.objects.get()
    assert finding.created_by == verifier and finding.stage == "vl"
    assert len(mail.outbox) == 1
    both = {**data, "indicator": Item.objects.get(code="III.12.a").indicator_id}
    assert client.post("/admin/verification/finding/add/", both).status_code == 200
    assert Finding.objects.count() == 1


def test_the_home_lists_the_agencys_open_findings_first(client, record, operator):
    record()
    client.force_login(operator)
    page = client.get("/").content.decode()
    assert 'id="home-findings"' in page
    assert page.index('id="home-findings"') < page.index('id="counters-title"')
