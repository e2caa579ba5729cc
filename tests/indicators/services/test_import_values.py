"""`import_values`: CSV and XLSX, all or nothing, every bad row named, dry runs."""

import io
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from indicators.models import Period, ReviewEvent, Submission
from indicators.services.importing import ImportRejected, values_import

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
