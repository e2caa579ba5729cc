"""`import_values`: CSV and XLSX, all or nothing, every bad row named, dry runs."""

import io
from io import StringIO

import openpyxl
import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from indicators.models import Agency, Period, ReviewEvent, Submission
from indicators.selectors.scores import period_score
from indicators.services import workflow
from indicators.services.importing import ImportRejected, values_import
from tests.conftest import make_ready, make_submission

HEADER = "agency,item,numerator,denominator,value,note\n"


def write(tmp_path, text, name="values.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run_import(path, *extra):
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "import_values",
            path,
            "--period",
            "2026",
            "--region",
            "balikpapan",
            *extra,
            stdout=out,
            stderr=err,
        )
    finally:
        run_import.stderr = err.getvalue()
    return out.getvalue()


@pytest.fixture(autouse=True)
def _year(demo):
    Period.objects.filter(pk=demo.period.pk).update(year=2026)


def test_valid_rows_create_submissions_with_events(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "DLH,II.11.a,,,4,Empat taman\n"
        + "DISDIK,IV.19.a,190,200,,SD\n"
        + "DP3AKB,K.2.a,,,ya,SK\n",
    )
    out = run_import(path, "--status", "approved")
    assert "3 baru" in out
    dlh = Submission.objects.get(agency__code="DLH", item__code="II.11.a")
    assert (dlh.count, dlh.status, dlh.narrative) == (4, "approved", "Empat taman")
    assert Submission.objects.get(item__code="K.2.a").answer_yes is True
    assert ReviewEvent.objects.filter(action="imported").count() == 3


def test_a_row_replaces_the_same_agencys_submission(tmp_path):
    run_import(write(tmp_path, HEADER + "DISDIK,IV.19.a,190,200,,\n"))
    out = run_import(write(tmp_path, HEADER + "DISDIK,IV.19.a,195,200,,revisi\n"))
    assert "1 berubah" in out
    submission = Submission.objects.get(item__code="IV.19.a")
    assert (submission.numerator, submission.version, submission.narrative) == (195, 2, "revisi")
    again = run_import(write(tmp_path, HEADER + "DISDIK,IV.19.a,195,200,,revisi\n"))
    assert "1 tetap" in again


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("XYZ,II.11.a,,,4,", "agency", "tidak dikenal"),
        ("DLH,Z.99.z,,,4,", "item", "tidak ada"),
        ("DINKES,II.11.a,,,4,", "agency", "tidak ditugaskan"),
        ("DISDIK,IV.19.a,201,200,,", "numerator", "lebih besar"),
        ("DISDIK,IV.19.a,-1,200,,", "numerator", "negatif"),
        ("DISDIK,IV.19.a,10,0,,", "denominator", "lebih dari 0"),
        ("DLH,II.11.a,,,-3,", "value", "bilangan bulat"),
        ("DLH,II.11.a,,,2.5,", "value", "bilangan bulat"),
        ("DP3AKB,K.2.a,,,mungkin,", "value", "bukan ya/tidak"),
        ("DP3AKB,K.2.a,1,,ya,", "numerator", "tidak dipakai"),
        ("DISDIK,IV.19.a,10,20,5,", "value", "tidak dipakai"),
        ("DISDIK,IV.19.a,,20,,", "numerator", "wajib diisi"),
        ("DISDIK,IV.19.a,abc,20,,", "numerator", "bukan angka"),
        ("DISDIK,IV.19.a,NaN,20,,", "numerator", "bukan angka"),
    ],
)
def test_bad_row_imports_nothing_and_names_row_column_and_reason(tmp_path, row, column, reason):
    path = write(tmp_path, HEADER + "DLH,II.11.a,,,4,\n" + row + "\n")
    with pytest.raises(CommandError, match="tidak ada data yang diubah"):
        run_import(path)
    assert f"baris 3, kolom {column}" in run_import.stderr
    assert reason in run_import.stderr
    assert Submission.objects.count() == 0


def test_every_bad_row_is_listed(tmp_path):
    path = write(tmp_path, HEADER + "XYZ,II.11.a,,,4,\nDLH,II.11.a,,,4,\nDLH,II.11.a,,,5,\n")
    with pytest.raises(CommandError, match="2 kesalahan"):
        run_import(path)
    assert "baris 2, kolom agency" in run_import.stderr
    assert "baris 4, kolom item: DLH II.11.a sudah ada di baris 3" in run_import.stderr


def test_dry_run_reports_but_writes_nothing(tmp_path):
    out = run_import(write(tmp_path, HEADER + "DLH,II.11.a,,,4,\n"), "--dry-run")
    assert "1 baru" in out and "uji coba" in out
    assert Submission.objects.count() == 0


def test_wrong_header_is_refused(tmp_path):
    with pytest.raises(CommandError):
        run_import(write(tmp_path, "opd,butir,nilai\nDLH,II.11.a,4\n"))
    assert "kolom hilang" in run_import.stderr


def test_missing_file_and_unknown_region(tmp_path):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run_import(str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match="Wilayah 'atlantis'"):
        call_command(
            "import_values", write(tmp_path, HEADER), "--period", "2026", "--region", "atlantis"
        )


def test_locked_period_accepts_nothing(tmp_path, demo):
    Period.objects.filter(pk=demo.period.pk).update(locked=True)
    with pytest.raises(CommandError):
        run_import(write(tmp_path, HEADER + "DLH,II.11.a,,,4,\n"))
    assert "terkunci" in run_import.stderr


def test_xlsx_with_numeric_cells_imports(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["agency", "item", "numerator", "denominator", "value", "note"])
    sheet.append(["DISDIK", "IV.19.a", 190, 200, None, "SD"])
    sheet.append(["DLH", "II.11.a", None, None, 4.0, None])
    sheet.append(["DP3AKB", "K.2.a", None, None, "Ya", None])
    path = tmp_path / "values.xlsx"
    workbook.save(path)
    assert "3 baru" in run_import(str(path))
    assert Submission.objects.get(item__code="II.11.a").count == 4


def test_semicolon_csv_and_decimal_comma_from_indonesian_excel(demo):
    content = "agency;item;numerator;denominator;value;note\nDINKES;III.13.a;17,9;100;;\n"
    plan = values_import(
        content=content.encode(), filename="x.csv", period=demo.period, status="submitted"
    )
    assert len(plan.new) == 1
    assert str(Submission.objects.get().numerator) == "17.90"


def test_damaged_xlsx_is_a_clear_error(demo):
    with pytest.raises(ImportRejected, match="XLSX"):
        values_import(
            content=b"PK\x03\x04garbage", filename="x.xlsx", period=demo.period, status="submitted"
        )


def test_non_utf8_csv_is_a_clear_error(demo):
    buffer = io.BytesIO((HEADER + "DLH,II.11.a,,,4,Taman café\n").encode("latin-1"))
    with pytest.raises(ImportRejected, match="UTF-8"):
        values_import(
            content=buffer.getvalue(), filename="x.csv", period=demo.period, status="submitted"
        )


# ---- approved submissions, unchanged rows, notices ------------------------------------------


def approved_disdik(demo, numerator=150, **extra):
    return make_submission(
        demo.period, "DISDIK", "IV.19.a", "approved", numerator=numerator, denominator=200, **extra
    )


def test_a_row_equal_to_an_approved_submission_changes_nothing(tmp_path, demo):
    approved = approved_disdik(demo, narrative="SD")
    out = run_import(write(tmp_path, HEADER + "DISDIK,IV.19.a,150,200,,SD\n"))
    assert "0 berubah, 1 tetap" in out
    approved.refresh_from_db()
    assert (approved.status, approved.version) == ("approved", 1)
    assert not ReviewEvent.objects.exists()


def test_changing_an_approved_submission_is_refused_without_replace_approved(tmp_path, demo):
    approved = approved_disdik(demo)
    path = write(tmp_path, HEADER + "DLH,II.11.a,,,4,\nDISDIK,IV.19.a,100,200,,\n")
    with pytest.raises(CommandError, match="--replace-approved") as refused:
        run_import(path)
    assert "tidak ada data yang diubah" in str(refused.value)
    assert "baris 3: isian DISDIK IV.19.a sudah disetujui dan akan berubah" in run_import.stderr
    approved.refresh_from_db()
    assert (approved.status, approved.numerator, approved.version) == ("approved", 150, 1)
    assert not Submission.objects.filter(item__code="II.11.a").exists()
    assert not ReviewEvent.objects.exists()


def test_replace_approved_writes_and_reports_old_new_and_the_verified_points(tmp_path, demo):
    approved = approved_disdik(demo)
    approved.refresh_from_db()
    before = period_score(demo.period, "verified").total
    out = run_import(write(tmp_path, HEADER + "DISDIK,IV.19.a,100,200,,\n"), "--replace-approved")
    after = period_score(demo.period, "verified").total
    assert before > after
    old = approved.answer_display()
    approved.refresh_from_db()
    assert (approved.status, approved.numerator, approved.version) == ("submitted", 100, 2)
    assert f"baris 2: DISDIK IV.19.a: {old} (Disetujui) -> {approved.answer_display()}" in out
    assert f"Isian disetujui yang berubah: 1; nilai terverifikasi {before} -> {after}." in out
    (event,) = ReviewEvent.objects.all()
    assert (event.from_status, event.to_status) == ("approved", "submitted")
    assert old in event.note


def test_a_dry_run_shows_what_an_approved_change_would_need(tmp_path, demo):
    approved_disdik(demo)
    out = run_import(write(tmp_path, HEADER + "DISDIK,IV.19.a,100,200,,\n"), "--dry-run")
    assert "baris 2: DISDIK IV.19.a:" in out and "Isian disetujui yang berubah: 1" in out
    assert "ditolak tanpa --replace-approved" in out
    assert Submission.objects.get().status == "approved"


def test_the_command_approves_as_loaded_and_names_rows_lacking_evidence(tmp_path, demo):
    out = run_import(write(tmp_path, HEADER + "DLH,II.11.a,,,4,\n"), "--status", "approved")
    assert Submission.objects.get().status == "approved"
    assert "1 baris disetujui tanpa data dukung wajib" in out


def test_the_agency_is_emailed_once_with_each_item_as_it_is_now_and_was(
    tmp_path, demo, django_capture_on_commit_callbacks
):
    approved_disdik(demo)
    make_submission(demo.period, "DISDIK", "IV.18.a", "submitted", numerator=1, denominator=2)
    content = HEADER + "DISDIK,IV.19.a,100,200,,\nDISDIK,IV.18.a,1,2,,\nDLH,II.11.a,,,4,\n"
    with django_capture_on_commit_callbacks(execute=True):
        run_import(write(tmp_path, content), "--replace-approved")
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "[Portal KLA] 1 isian DISDIK diubah lewat impor DP3AKB",
        "[Portal KLA] 1 isian DLH diubah lewat impor DP3AKB",
    ]
    disdik = next(m for m in mail.outbox if "DISDIK" in m.subject)
    assert disdik.to == list(
        Agency.objects.get(code="DISDIK").members.exclude(email="").values_list("email", flat=True)
    )
    assert "IV.19.a: sekarang" in disdik.body and "(Diajukan)" in disdik.body
    assert "Sebelum impor:" in disdik.body and "(Disetujui)" in disdik.body
    assert "tinjauan ulang" in disdik.body
    assert "IV.18.a" not in disdik.body  # unchanged: nothing to tell


def test_the_home_notice_of_an_approval_shows_the_state_an_import_left(
    tmp_path, demo, client, verifier, other_operator, django_capture_on_commit_callbacks
):
    submitted = make_ready(
        make_submission(demo.period, "DISDIK", "IV.19.a", numerator=150, denominator=200)
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_approve(submission_id=submitted.pk, actor=verifier)
    run_import(write(tmp_path, HEADER + "DISDIK,IV.19.a,100,200,,\n"), "--replace-approved")
    client.force_login(other_operator)
    response = client.get("/?agency=DISDIK")
    notices = response.context["notices"]
    # The state now, not a log (issue 17): one notice per submission, its latest event.
    assert [n.action for n in notices] == ["imported"]
    html = response.content.decode()
    section = html[html.index('id="notices-title"') : html.index('id="items-title"')]
    assert "status-approved" not in section
    assert section.count("status-submitted") == 1
    assert "Catatan impor:" in section
