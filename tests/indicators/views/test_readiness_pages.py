"""Readiness on the pages: the item page's checklist and upload, the operator home's counters
and filter, the verifier's change page, and the dashboard's three steps."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusters.models import EvidenceRequirement
from indicators.models import Evidence, ReviewEvent, Submission
from tests.conftest import PDF, attach_evidence, make_ready, make_submission, nothing_cached, upload

S = Submission.Status
ITEM = "III.12.a"  # Dinkes; asks for one document, "data", no older than 12 months


def _yesterday():
    return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def test_the_item_page_lists_the_documents_the_item_asks_for(client, operator, demo):
    client.force_login(operator)
    page = client.get(f"/items/{ITEM}/?agency=DINKES").content.decode()
    requirement = EvidenceRequirement.objects.get(item__code=ITEM, code="data")
    assert "Dokumen yang diminta" in page and requirement.name in page
    assert "Belum siap verifikasi" in page
    assert "bertanggal paling lama 12 bulan sebelum tanggal acuan" in page


def test_an_upload_that_names_its_requirement_and_date_completes_the_checklist(
    client, operator, demo
):
    client.force_login(operator)
    requirement = EvidenceRequirement.objects.get(item__code=ITEM, code="data")
    response = client.post(
        f"/items/{ITEM}/?agency=DINKES",
        {
            "intent": "save",
            "version": "0",
            "numerator": "95",
            "denominator": "100",
            "file": upload(PDF, "laporan-kia.pdf"),
            "requirement": str(requirement.pk),
            "document_number": "440/7/DINKES",
            "document_date": _yesterday(),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.requirement == requirement and evidence.document_number == "440/7/DINKES"
    page = client.get(f"/items/{ITEM}/?agency=DINKES").content.decode()
    assert "Siap verifikasi" in page and "Belum siap verifikasi" not in page


def test_an_upload_naming_a_requirement_without_its_date_is_refused_beside_the_field(
    client, operator, demo
):
    client.force_login(operator)
    requirement = EvidenceRequirement.objects.get(item__code=ITEM, code="data")
    response = client.post(
        f"/items/{ITEM}/?agency=DINKES",
        {
            "intent": "save",
            "version": "0",
            "file": upload(PDF, "laporan.pdf"),
            "requirement": str(requirement.pk),
        },
    )
    assert response.status_code == 400
    assert "Wajib diisi untuk dokumen yang dipilih." in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_stored_file_is_completed_from_the_item_page(client, operator, draft):
    evidence = attach_evidence(draft)
    client.force_login(operator)
    requirement = EvidenceRequirement.objects.get(item=draft.item, code="data")
    response = client.post(
        f"/evidence/{evidence.pk}/document/",
        {"requirement": str(requirement.pk), "document_date": _yesterday(), "valid_until": ""},
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.requirement == requirement
    assert evidence.document_date == timezone.localdate() - datetime.timedelta(days=1)


def test_completing_a_file_with_a_bad_date_says_why_and_changes_nothing(client, operator, draft):
    evidence = attach_evidence(draft)
    client.force_login(operator)
    requirement = EvidenceRequirement.objects.get(item=draft.item, code="data")
    response = client.post(
        f"/evidence/{evidence.pk}/document/",
        {"requirement": str(requirement.pk), "document_date": "kemarin"},
        follow=True,
    )
    assert "Keterangan dokumen tidak disimpan" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.requirement is None


def test_the_operator_home_counts_ready_items_and_filters_by_readiness(client, operator, demo):
    make_ready(make_submission(demo.period, "DINKES", ITEM))
    make_submission(demo.period, "DINKES", "III.13.a")
    client.force_login(operator)
    response = client.get("/?agency=DINKES")
    assert response.context["readiness"]["ready"] == 1
    page = client.get("/?agency=DINKES&readiness=ready").content.decode()
    assert f"/items/{ITEM}/" in page and "/items/III.13.a/" not in page
    page = client.get("/?agency=DINKES&readiness=not_ready").content.decode()
    assert f"/items/{ITEM}/" not in page and "/items/III.13.a/" in page
    assert "Dokumen belum siap verifikasi:" in page


def test_the_verifier_sees_the_checklist_and_signs_next_to_the_files(client, verifier, demo):
    submission = make_submission(demo.period, "DINKES", ITEM)
    attach_evidence(submission, content=PDF + b"shared")
    attach_evidence(make_submission(demo.period, "DINKES", "III.13.a"), content=PDF + b"shared")
    client.force_login(verifier)
    page = client.get(f"/admin/indicators/submission/{submission.pk}/change/").content.decode()
    assert "Kesiapan verifikasi" in page and "belum siap" in page
    assert "belum ada berkas" in page
    assert 'data-flag="reused_file"' in page
    flagged = client.get("/admin/indicators/submission/?flag=reused_file")
    assert {s.pk for s in flagged.context["cl"].result_list} >= {submission.pk}
    not_ready = client.get("/admin/indicators/submission/?readiness=not_ready")
    assert submission.pk in {s.pk for s in not_ready.context["cl"].result_list}
    ready = client.get("/admin/indicators/submission/?readiness=ready")
    assert submission.pk not in {s.pk for s in ready.context["cl"].result_list}


def test_the_change_page_approves_with_gaps_only_with_a_reason(client, verifier, demo):
    submission = make_submission(demo.period, "DINKES", ITEM)
    client.force_login(verifier)
    url = f"/admin/indicators/submission/{submission.pk}/review/"
    data = {"review": "approve", "version": submission.version, "note": ""}
    page = client.post(url, data, follow=True).content.decode()
    assert "Tulis alasan bila tetap disetujui" in page
    assert Submission.objects.get(pk=submission.pk).status == S.SUBMITTED
    client.post(url, {**data, "note": "Data menyusul dari provinsi."})
    submission.refresh_from_db()
    assert submission.status == S.APPROVED and submission.approved_with_gaps
    assert submission.events.get(action=ReviewEvent.Action.APPROVED).with_gaps
    gaps = client.get("/admin/indicators/submission/?readiness=gaps")
    assert [s.pk for s in gaps.context["cl"].result_list] == [submission.pk]


def test_the_dashboard_shows_self_verified_and_ready_with_why_points_are_lost(
    client, gugus_tugas, verifier, demo
):
    period = demo.period
    make_ready(make_submission(period, "DINKES", ITEM, status=S.APPROVED))
    make_submission(period, "DINKES", "III.14.a", status=S.APPROVED)  # approved, no documents
    make_submission(period, "DINKES", "III.17.a", status=S.SUBMITTED)
    client.force_login(gugus_tugas)
    response = client.get("/dashboard/")
    steps = response.context["data"].readiness_steps
    assert steps.self_total > steps.verified_total > steps.ready_total > 0
    lost = {row.code: row for row in steps.items}
    assert ITEM not in lost
    assert "DINKES: belum disetujui" in lost["III.17.a"].reasons
    assert any("belum ada berkas" in reason for reason in lost["III.14.a"].reasons)
    page = response.content.decode()
    assert 'id="step-ready"' in page and "dokumen belum lengkap" in page


def test_the_item_page_costs_the_same_queries_with_more_files(client, operator, draft):
    client.force_login(operator)
    url = f"/items/{ITEM}/?agency=DINKES"
    attach_evidence(draft)
    client.get(url)
    nothing_cached()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        attach_evidence(draft, content=PDF + bytes([n]))
    nothing_cached()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_bulk_approve_action_skips_submissions_that_are_not_ready_and_says_why(
    client, verifier, demo
):
    ready_one = make_ready(make_submission(demo.period, "DINKES", ITEM))
    gaps = make_submission(demo.period, "DINKES", "III.14.a")
    client.force_login(verifier)
    response = client.post(
        "/admin/indicators/submission/",
        {
            "action": "approve_selected",
            "_selected_action": [ready_one.pk, gaps.pk],
            f"version-{ready_one.pk}": ready_one.version,
            f"version-{gaps.pk}": gaps.version,
        },
        follow=True,
    )
    text = response.content.decode()
    assert "1 isian disetujui." in text and "Tulis alasan bila tetap disetujui" in text
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert (statuses[ready_one.pk], statuses[gaps.pk]) == (S.APPROVED, S.SUBMITTED)


def test_the_readiness_and_sign_filters_ask_for_a_narrower_list_past_their_limit(
    client, verifier, demo, monkeypatch
):
    from indicators.admin import readiness as admin_readiness

    submission = make_submission(demo.period, "DINKES", ITEM)
    make_submission(demo.period, "DINKES", "III.13.a")
    monkeypatch.setattr(admin_readiness, "JUDGE_AT_MOST", 1)
    client.force_login(verifier)
    for query in ("readiness=ready", "flag=any"):
        response = client.get(f"/admin/indicators/submission/?{query}")
        assert response.status_code == 200
        # Not judged: the list stays whole, and the verifier is told how to narrow it.
        assert submission.pk in {s.pk for s in response.context["cl"].result_list}
        shown = [str(m) for m in response.context["messages"]]
        assert any("pilih wilayah atau tahun" in m for m in shown), shown
