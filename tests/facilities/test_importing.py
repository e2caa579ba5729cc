"""import_facilities and the register's import: all or nothing, every bad row named."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from facilities.exports.register import register_dataset
from facilities.importing import HEADER, register_import
from facilities.models import Certification, Facility
from indicators.models import Region
from indicators.services.importing import ImportRejected

HEAD = ",".join(HEADER)
GOOD = f"""{HEAD}
RUANG_BERMAIN,Taman Bekapai,64.71.01.1001,,DLH,Jl. Pupuk,RBRA,granted,R/1,2025-03-01,2028-02-29
RUANG_BERMAIN,Taman Bekapai,64.71.01.1001,,DLH,,,,,,
RUANG_BERMAIN,Taman Tiga Generasi,64.71.01.1002,,DLH,,RBRA,assessment,,,
PUSKESMAS,Puskesmas Manggar,64.71.01.1001,,DINKES,,PRAP,granted,,2023-06-15,
PUSKESMAS,Puskesmas Manggar,64.71.01.1001,,DINKES,,PRAP,expired,,2019-06-15,
SEKOLAH,SDN 001 Balikpapan Timur,64.71.01.1003,sd/mi,DISDIK,,,,,,
,,64.71.01.1004,,,,DEKELA,granted,SK 188/2025,2025-07-23,
"""


def _run(tmp_path, text, *args, name="register.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_facilities", str(path), "--region", "balikpapan", *args,
                 stdout=out, stderr=err)  # fmt: skip
    return out.getvalue(), err.getvalue()


def test_a_good_file_registers_places_and_adds_certificates_to_the_same_place(tmp_path, register):
    out, _ = _run(tmp_path, GOOD)
    assert "tempat 4 baru" in out and "sertifikasi 5 baru" in out
    bekapai = Facility.objects.get(name="Taman Bekapai")
    assert bekapai.address == "Jl. Pupuk"
    assert bekapai.certifications.get().valid_until == datetime.date(2028, 2, 29)
    puskesmas = Facility.objects.get(name="Puskesmas Manggar")
    # The same type, name and kelurahan: one place with two certificates; the validity of
    # PRAP (36 months) gives the last day when the file leaves it blank.
    assert sorted(c.valid_until for c in puskesmas.certifications.all()) == [
        datetime.date(2022, 6, 14),
        datetime.date(2026, 6, 14),
    ]
    assert Facility.objects.get(name__startswith="SDN").level == "SD/MI"
    designation = Certification.objects.get(standard__code="DEKELA")
    assert designation.facility is None and designation.kelurahan.code == "64.71.01.1004"
    assert bekapai.history.get().history_change_reason == "Impor register.csv"


def test_a_dry_run_writes_nothing(tmp_path, register):
    out, _ = _run(tmp_path, GOOD, "--dry-run")
    assert "uji coba" in out
    assert not Facility.objects.exists() and not Certification.objects.exists()


def test_every_bad_row_is_named_with_its_column_and_nothing_is_written(tmp_path, register):
    bad = GOOD + "\n".join(
        [
            "RUANG_BERMAIN,Taman X,64.71.99.9999,,DLH,,,,,,",  # 9: unknown kelurahan
            "KOLAM,Kolam Renang,64.71.01.1001,,DLH,,,,,,",  # 10: unknown type
            "RUANG_BERMAIN,Taman Y,64.71.01.1001,,DINKES,,,,,,",  # 11: not a supplier
            "RUANG_BERMAIN,Taman Z,64.71.01.1001,,DLH,,PRAP,granted,,2025-01-01,",  # 12
            "RUANG_BERMAIN,Taman W,64.71.01.1001,,DLH,,RBRA,granted,,01/03/2025,",  # 13: date
            "RUANG_BERMAIN,Taman V,64.71.01.1001,,DLH,,RBRA,granted,,,",  # 14: no grant date
            "RUANG_BERMAIN,Taman U,64.71.01.1001,,DLH,,RBRA,selesai,,,",  # 15: stage
            "SEKOLAH,SDN 002,64.71.01.1001,,DISDIK,,,,,,",  # 16: no level
            "RUANG_BERMAIN,Taman Bekapai,64.71.01.1001,,DPU,,,,,,",  # 17: other agency, same place
            ",,64.71.01.1001,,,,RBRA,granted,,2025-01-01,",  # 18: blank type, not a designation
            "RUANG_BERMAIN,Taman T,64.71.01.1001,,DLH,,,granted,,,",  # 19: stage without standard
        ]
    )
    with pytest.raises(CommandError, match="11 kesalahan"):
        _run(tmp_path, bad)
    assert not Facility.objects.exists()
    try:
        register_import(content=bad.encode(), filename="x.csv", region=Region.objects.get(
            slug="balikpapan"))  # fmt: skip
    except ImportRejected as exc:
        where = [(e.row, e.column) for e in exc.errors]
    assert where == [
        (9, "kelurahan"),
        (10, "type"),
        (11, "agency"),
        (12, "standard"),
        (13, "granted_on"),
        (14, "granted_on"),
        (15, "stage"),
        (16, "level"),
        (17, "agency"),
        (18, "type"),
        (19, "stage"),
    ]


def test_the_command_prints_row_column_and_reason_and_exits_non_zero(tmp_path, register):
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEAD}\nKOLAM,Kolam,64.71.01.1001,,DLH,,,,,,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:  # manage.py turns it into exit status 1
        call_command("import_facilities", str(path), "--region", "balikpapan", stderr=err)
    assert caught.value.returncode == 1
    assert err.getvalue().strip() == "baris 2, kolom type: jenis fasilitas 'KOLAM' tidak dikenal"
    with pytest.raises(CommandError, match="nowhere"):
        call_command("import_facilities", str(path), "--region", "nowhere")


def test_a_wrong_header_is_refused_with_the_expected_one(tmp_path, register):
    with pytest.raises(CommandError):
        _run(tmp_path, "type,name\nRUANG_BERMAIN,Taman\n")
    region = Region.objects.get(slug="balikpapan")
    with pytest.raises(ImportRejected) as rows:
        register_import(content=b"type,name\nA,B\n", filename="x.csv", region=region)
    assert "kolom hilang" in str(rows.value) and HEAD in str(rows.value)


def test_an_unedited_export_imports_as_no_change(tmp_path, register):
    _run(tmp_path, GOOD)
    region = Region.objects.get(slug="balikpapan")
    exported = register_dataset(region=region).export("csv")
    plan = register_import(content=exported.encode(), filename="e.csv", region=region)
    assert not plan.new_places and not plan.changed_places and len(plan.same_places) == 4
    assert not plan.new_certificates and not plan.changed_certificates
    assert len(plan.same_certificates) == 5


def test_a_second_import_changes_a_stage_and_adds_a_certificate(tmp_path, register):
    _run(tmp_path, GOOD)
    again = f"""{HEAD}
RUANG_BERMAIN,Taman Tiga Generasi,64.71.01.1002,,DLH,,RBRA,assessment,,,
RUANG_BERMAIN,taman bekapai,64.71.01.1001,,DLH,,RBRA,granted,R/1,2025-03-01,2028-03-31
"""
    out, _ = _run(tmp_path, again)
    assert "sertifikasi 0 baru, 1 berubah, 1 tetap" in out
    assert Certification.objects.get(certificate_number="R/1").valid_until == (
        datetime.date(2028, 3, 31)
    )


def test_xlsx_with_date_cells_and_formula_quotes(tmp_path, register):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    sheet.append(["RUANG_BERMAIN", "'=Taman Formula", "64.71.01.1001", None, "DLH", None,
                  "RBRA", "Ditetapkan", None, datetime.datetime(2025, 3, 1), None])  # fmt: skip
    path = tmp_path / "register.xlsx"
    book.save(path)
    call_command("import_facilities", str(path), "--region", "balikpapan", stdout=io.StringIO())
    place = Facility.objects.get()
    assert place.name == "=Taman Formula"
    assert place.certifications.get().granted_on == datetime.date(2025, 3, 1)
    # and it leaves again neutralised
    assert register_dataset(region=place.region)[0][1] == "'=Taman Formula"
