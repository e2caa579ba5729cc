"""Import with preview and confirmation, exports of the changelist and the recap."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from clusters.models import Item
from indicators.models import ImportConfirmation, Period, ReviewEvent, Submission
from indicators.selectors.scores import period_score
from indicators.services import workflow
from tests.conftest import attach_evidence, make_submission

IMPORT = "/admin/indicators/submission/import/"
HEADER = "agency,item,numerator,denominator,value,note\n"


@pytest.fixture
def verifier_client(client, verifier):
    client.force_login(verifier)
    return client


def upload(client, period, content, name="nilai.csv", status="submitted"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(IMPORT, {"period": period.pk, "status": status, "file": file})


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_preview_lists_new_changed_and_unchanged_then_confirm_writes(
    verifier_client, verifier, demo
):
    make_submission(demo.period, "DISDIK", "IV.19.a", numerator=150, denominator=200)
    make_submission(demo.period, "DLH", "II.11.a", count=4, narrative="")
    content = (
        HEADER + "DISDIK,IV.19.a,190,200,,SD\n" + "DLH,II.11.a,,,4,\n" + "DP3AKB,K.2.a,,,ya,SK\n"
    ).encode()
    preview = upload(verifier_client, demo.period, content)
    plan = preview.context["plan"]
    assert (len(plan.new), len(plan.changed), len(plan.unchanged)) == (1, 1, 1)
    assert "1 baru, 1 berubah, 1 tetap" in preview.content.decode()
    assert Submission.objects.get(item__code="IV.19.a").numerator == 150  # a dry run
    assert not Submission.objects.filter(item__code="K.2.a").exists()

    done = verifier_client.post(IMPORT, {"token": preview.context["token"]}, follow=True)
    assert "Impor selesai: 1 baru, 1 berubah, 1 tetap." in done.content.decode()
    changed = Submission.objects.get(item__code="IV.19.a")
    assert (changed.numerator, changed.status, changed.updated_by) == (190, "submitted", verifier)
    assert Submission.objects.get(item__code="K.2.a").answer_yes is True


def test_xlsx_import_creates_submissions(verifier_client, demo):
    Item.objects.filter(code="II.11.a").update(evidence_required=False)
    content = xlsx(
        [
            ["agency", "item", "numerator", "denominator", "value", "note"],
            ["DLH", "II.11.a", None, None, 6, "Enam taman"],
        ]
    )
    preview = upload(verifier_client, demo.period, content, "nilai.xlsx", status="approved")
    assert len(preview.context["plan"].new) == 1
    verifier_client.post(IMPORT, {"token": preview.context["token"]})
    created = Submission.objects.get(item__code="II.11.a")
    assert (created.count, created.status, created.narrative) == (6, "approved", "Enam taman")


def test_an_approving_import_holds_rows_lacking_required_evidence_as_submitted(
    verifier_client, demo
):
    with_evidence = make_submission(
        demo.period, "DISDIK", "IV.19.a", numerator=150, denominator=200
    )
    attach_evidence(with_evidence)
    content = (HEADER + "DISDIK,IV.19.a,190,200,,\nDLH,II.11.a,,,6,\n").encode()
    preview = upload(verifier_client, demo.period, content, status="approved")
    assert [row.item.code for row in preview.context["plan"].held] == ["II.11.a"]
    assert "1 baris diimpor sebagai Diajukan, bukan Disetujui" in preview.content.decode()
    confirm(verifier_client, preview)
    statuses = dict(Submission.objects.values_list("item__code", "status"))
    assert statuses == {"IV.19.a": "approved", "II.11.a": "submitted"}


def confirm(client, preview, **extra):
    return client.post(IMPORT, {"token": preview.context["token"], **extra}, follow=True)


def test_the_preview_shows_old_and_new_values_and_the_approved_it_would_change(
    verifier_client, demo
):
    approved = make_submission(
        demo.period, "DISDIK", "IV.19.a", "approved", numerator=150, denominator=200
    )
    make_submission(demo.period, "DLH", "II.11.a", count=4)
    before = period_score(demo.period, "verified").total
    content = (HEADER + "DISDIK,IV.19.a,100,200,,\nDLH,II.11.a,,,5,\n").encode()
    preview = upload(verifier_client, demo.period, content)
    plan = preview.context["plan"]
    html = preview.content.decode()
    (row, current), (count_row, _) = plan.changed
    assert f"{current.answer_display()} (Disetujui)" in html
    assert f"{row.as_submission().answer_display()} (Diajukan)" in html
    assert "<td>4 (Diajukan)</td><td>5 (Diajukan)</td>" in html
    assert [s.pk for _, s in plan.approved_changed] == [approved.pk]
    assert "1 isian yang sudah disetujui akan berubah" in html
    assert 'name="replace_approved"' in html
    # The points it removes come from the scoring selectors: the score once it is written.
    assert plan.verified_before == before > plan.verified_after
    Submission.objects.filter(pk=approved.pk).update(status="submitted", numerator=100)
    assert plan.verified_after == period_score(demo.period, "verified").total
    assert Submission.objects.get(pk=approved.pk).version == 1  # the preview wrote nothing


def test_changing_an_approved_submission_needs_the_checkbox(verifier_client, demo, verifier):
    approved = make_submission(
        demo.period, "DISDIK", "IV.19.a", "approved", numerator=150, denominator=200
    )
    content = (HEADER + "DLH,II.11.a,,,5,\nDISDIK,IV.19.a,100,200,,\n").encode()
    preview = upload(verifier_client, demo.period, content)

    refused = confirm(verifier_client, preview)
    assert [(e.row, e.message.split(":")[0]) for e in refused.context["errors"]] == [
        (3, "isian DISDIK IV.19.a sudah disetujui dan akan berubah")
    ]
    assert refused.context["plan"] and refused.context["token"] == preview.context["token"]
    approved.refresh_from_db()
    assert (approved.status, approved.numerator, approved.version) == ("approved", 150, 1)
    assert not Submission.objects.filter(item__code="II.11.a").exists()
    assert not ReviewEvent.objects.exists()

    done = confirm(verifier_client, preview, replace_approved="on")
    assert "Impor selesai: 1 baru, 1 berubah, 0 tetap." in done.content.decode()
    approved.refresh_from_db()
    assert (approved.status, approved.numerator, approved.version) == ("submitted", 100, 2)


def test_an_edit_after_the_preview_makes_the_confirm_refuse_and_write_nothing(
    verifier_client, demo, operator
):
    draft = make_submission(demo.period, "DINKES", "III.12.a", "draft", numerator=10)
    content = (HEADER + "DINKES,III.12.a,50,100,,\nDLH,II.11.a,,,5,\n").encode()
    preview = upload(verifier_client, demo.period, content)
    workflow.submission_save(
        submission=draft, values={"numerator": 20}, actor=operator, version=draft.version
    )

    refused = confirm(verifier_client, preview)
    messages = [str(e) for e in refused.context["errors"]]
    assert "pratinjau baru" in messages[0]
    assert messages[1:] == ["baris 2: isian DINKES III.12.a berubah sejak pratinjau"]
    draft.refresh_from_db()
    assert (draft.numerator, draft.version) == (20, 2)
    assert not Submission.objects.filter(item__code="II.11.a").exists()
    assert not ReviewEvent.objects.exists()


def test_a_row_created_after_the_preview_counts_as_a_change(verifier_client, demo):
    preview = upload(verifier_client, demo.period, (HEADER + "DLH,II.11.a,,,5,\n").encode())
    make_submission(demo.period, "DLH", "II.11.a", "draft", count=1)
    refused = confirm(verifier_client, preview)
    assert "isian DLH II.11.a berubah sejak pratinjau" in refused.content.decode()
    assert Submission.objects.get(item__code="II.11.a").count == 1


def test_a_submission_deleted_and_created_again_after_the_preview_is_not_the_one_it_saw(
    verifier_client, demo
):
    gone = make_submission(demo.period, "DLH", "II.11.a", "draft", count=1)
    preview = upload(verifier_client, demo.period, (HEADER + "DLH,II.11.a,,,5,\n").encode())
    gone.delete()
    again = make_submission(demo.period, "DLH", "II.11.a", "draft", count=2)
    assert again.version == gone.version
    refused = confirm(verifier_client, preview)
    assert "isian DLH II.11.a berubah sejak pratinjau" in refused.content.decode()
    assert Submission.objects.get().count == 2


def test_a_preview_token_works_once(verifier_client, demo):
    preview = upload(verifier_client, demo.period, (HEADER + "DLH,II.11.a,,,5,\n").encode())
    assert "Impor selesai" in confirm(verifier_client, preview).content.decode()
    Submission.objects.filter(item__code="II.11.a").update(count=9)  # an edit since
    again = confirm(verifier_client, preview)
    assert "sudah dikonfirmasi" in again.content.decode()
    assert Submission.objects.get(item__code="II.11.a").count == 9
    assert ReviewEvent.objects.count() == 1
    assert ImportConfirmation.objects.get().period == demo.period


def test_any_bad_row_blocks_the_import_and_every_bad_row_is_listed(verifier_client, demo):
    content = (
        HEADER + "DLH,II.11.a,,,4,\n" + "XYZ,II.11.a,,,4,\n" + "DISDIK,IV.19.a,201,200,,\n"
    ).encode()
    response = upload(verifier_client, demo.period, content)
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert errors == [(3, "agency"), (4, "numerator")]
    text = response.content.decode()
    assert "Tidak ada yang diimpor" in text and "lebih besar" in text
    assert "token" not in response.context
    assert not Submission.objects.exists()


def test_a_tampered_preview_token_imports_nothing(verifier_client, demo):
    response = verifier_client.post(IMPORT, {"token": "forged:token"}, follow=True)
    assert "kedaluwarsa" in response.content.decode()
    assert not Submission.objects.exists()


def test_import_offers_only_open_periods_of_the_verifiers_region(
    verifier_client, demo, other_region, framework
):
    import datetime

    foreign = Period.objects.create(
        region=other_region,
        framework=framework,
        year=demo.period.year,
        opens_on=datetime.date(2026, 1, 1),
        closes_on=datetime.date(2026, 12, 31),
    )
    response = upload(verifier_client, foreign, (HEADER + "DP3AKB,K.2.a,,,ya,\n").encode())
    assert "period" in response.context["form"].errors
    locked = Period.objects.get(region=demo.region, locked=True)
    assert "period" in upload(verifier_client, locked, b"x").context["form"].errors


def test_operator_cannot_import(client, operator, demo):
    client.force_login(operator)
    assert client.get(IMPORT).status_code == 302


# ---- exports ---------------------------------------------------------------------------------


def test_changelist_export_is_filtered_and_neutralises_formulas(verifier_client, demo):
    make_submission(demo.period, "DINKES", "III.12.a", narrative='=HYPERLINK("http://x")')
    make_submission(demo.period, "DISDIK", "IV.19.a", narrative="biasa")
    response = verifier_client.post(
        reverse("admin:indicators_submission_export") + "?agency=DINKES",
        {"format": "1", "resource": "0"},  # CSV, the review columns
    )
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["Kode OPD"] for r in rows] == ["DINKES"]
    assert rows[0]["Keterangan"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["Jawaban"] == "90 / 100 (90,00%)"
    assert rows[0]["Status"] == "Diajukan" and rows[0]["OPD"] == "Dinas Kesehatan"


def test_the_review_export_is_an_indonesian_workbook_with_names_numbers_and_widths(
    verifier_client, demo
):
    make_submission(demo.period, "DINKES", "III.12.a", narrative='=HYPERLINK("http://x")')
    page = verifier_client.get(reverse("admin:indicators_submission_export"))
    text = page.content.decode()
    assert "This exporter" not in text and "SubmissionResource" not in text and "---" not in text
    assert page.context["form"]["format"].value() == "0"  # XLSX unless CSV is chosen
    response = verifier_client.post(
        reverse("admin:indicators_submission_export") + "?agency=DINKES",
        {"format": "0", "resource": "0"},
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert "isian-kla-" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Isian"]
    sheet = book["Isian"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == [
        "Wilayah", "Periode", "Kode OPD", "OPD", "Klaster", "Indikator", "Kode butir", "Butir"
    ]  # fmt: skip
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["OPD"] == "Dinas Kesehatan" and row["Status"] == "Diajukan"
    assert row["Butir"].startswith("Persentase") or row["Butir"]
    assert row["Pembilang"] == 90 and row["Penyebut"] == 100 and row["Persentase"] == 90
    assert row["Keterangan"] == '\'=HYPERLINK("http://x")'
    numerator = sheet.cell(row=2, column=header.index("Pembilang") + 1)
    assert numerator.data_type == "n" and numerator.number_format == "#,##0.##"
    assert sheet.column_dimensions["H"].width > 20  # the item's name is readable
    assert sheet.freeze_panes == "A2"


def test_values_export_can_be_imported_again(verifier_client, demo):
    make_submission(demo.period, "DLH", "II.11.a", count=4, narrative="-catatan")
    response = verifier_client.post(
        reverse("admin:indicators_submission_export"), {"format": "1", "resource": "1"}
    )
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER.strip()
    assert "DLH,II.11.a,,,4,'-catatan" in text
    preview = upload(verifier_client, demo.period, text.replace("'-catatan", "").encode())
    assert len(preview.context["plan"].changed) == 1


def export_values(client, fmt, period):
    # Filtered to one period, as the values file has no period column.
    response = client.post(
        reverse("admin:indicators_submission_export") + f"?year={period.year}",
        {"format": {"xlsx": "0", "csv": "1"}[fmt], "resource": "1"},
    )
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_unedited_values_export_imports_as_no_change(client, demo_with_values, fmt):
    period = demo_with_values.period
    client.force_login(get_user_model().objects.get(username="verifikator"))
    notes = ["-catatan", '=HYPERLINK("x")', "+62 812", "@SUM(A1)", "'=sudah berkutip", "'Sesuai SK"]
    filled = Submission.objects.filter(period=period).exclude(status="draft").order_by("pk")
    for submission, note in zip(filled, notes, strict=False):
        Submission.objects.filter(pk=submission.pk).update(narrative=note)
    content = export_values(client, fmt, period)
    stored = {s.pk: (s.version, s.status) for s in Submission.objects.filter(period=period)}
    events = ReviewEvent.objects.count()

    preview = upload(client, period, content, f"nilai.{fmt}")
    plan = preview.context["plan"]
    assert plan.total == len(stored) and plan.new == [] and plan.changed == []
    confirm(client, preview)
    after = {s.pk: (s.version, s.status) for s in Submission.objects.filter(period=period)}
    assert after == stored and ReviewEvent.objects.count() == events
    assert sorted(
        Submission.objects.filter(narrative__in=notes).values_list("narrative", flat=True)
    ) == sorted(notes)


def test_recap_export_has_points_and_status_counts_per_cluster_and_indicator(
    demo_with_values, verifier_client
):
    period = demo_with_values.period
    response = verifier_client.get(
        reverse("admin:indicators_submission_recap"), {"period": period.pk, "format": "xlsx"}
    )
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [
        dict(zip([c.value for c in sheet[1]], [c.value for c in r], strict=True))
        for r in sheet.iter_rows(min_row=2)
    ]
    clusters = [r for r in rows if r["Tingkat"] == "klaster"]
    assert len(clusters) == 6 and len([r for r in rows if r["Tingkat"] == "indikator"]) == 24
    from indicators.selectors.scores import period_score

    verified = period_score(period, "verified")
    total = next(r for r in rows if r["Tingkat"] == "total")
    assert float(total["Poin terverifikasi"]) == float(verified.total)
    submitted = Submission.objects.filter(period=period, status="submitted").count()
    assert sum(int(r["Diajukan"]) for r in clusters) == submitted
    assert sheet.title == f"Rekap {period.year}"
    assert sheet.cell(row=2, column=4).number_format == "#,##0.00"


def test_recap_refuses_a_period_of_another_region(client, demo_with_values, other_region):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    response = client.get(
        reverse("admin:indicators_submission_recap"),
        {"period": demo_with_values.period.pk, "format": "csv"},
    )
    assert response.status_code == 200 and "period" in response.context["form"].errors
