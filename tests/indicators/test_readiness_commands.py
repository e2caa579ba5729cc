"""`kla_readiness` and `attach_evidence`: the DESIGN section 6 contracts and their errors."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import Evidence, Submission
from tests.conftest import PDF, attach_document, make_ready, make_submission

S = Submission.Status


def _readiness(demo, **options):
    out = io.StringIO()
    call_command(
        "kla_readiness", period=demo.period.year, region="balikpapan", stdout=out, **options
    )
    return out.getvalue()


def test_kla_readiness_lists_every_submission_that_is_not_a_draft(demo):
    period = demo.period
    make_ready(make_submission(period, "DINKES", "III.12.a", status=S.APPROVED))
    expired = make_submission(period, "DINKES", "III.15.a", status=S.SUBMITTED)
    attach_document(expired, "sertifikat", valid_until=period.reference_on - datetime.timedelta(1))
    old = make_submission(period, "DINKES", "III.14.a", status=S.RETURNED)
    attach_document(old, "data", dated=period.reference_on.replace(year=period.year - 3))
    make_submission(period, "DINKES", "III.13.a", status=S.SUBMITTED)
    make_submission(period, "DINKES", "III.13.b", status=S.DRAFT)

    doc = json.loads(_readiness(demo))
    assert set(doc) == {"region", "period", "reference_date", "items", "summary"}
    assert (doc["region"], doc["period"]) == ("balikpapan", period.year)
    assert doc["reference_date"] == period.reference_on.isoformat()
    rows = {row["code"]: row for row in doc["items"]}
    assert set(rows) == {"III.12.a", "III.15.a", "III.14.a", "III.13.a"}
    for row in rows.values():
        assert set(row) == {
            "code", "agency", "status", "ready", "missing", "too_old", "expired", "flags"
        }  # fmt: skip
    assert rows["III.12.a"]["ready"] and rows["III.12.a"]["missing"] == []
    assert rows["III.15.a"]["expired"] == ["sertifikat"] and not rows["III.15.a"]["ready"]
    assert rows["III.14.a"]["too_old"] == ["data"]
    assert rows["III.14.a"]["flags"] == ["old_document"]
    assert rows["III.13.a"]["missing"] and rows["III.13.a"]["status"] == "submitted"
    assert doc["summary"]["ready"] == 1 and doc["summary"]["not_ready"] == 3
    assert doc["summary"]["points_at_risk"] > 0


def test_kla_readiness_prints_a_table(demo):
    make_submission(demo.period, "DINKES", "III.13.a", status=S.SUBMITTED)
    table = _readiness(demo, format="table")
    assert "Belum siap: 1" in table and "III.13.a" in table


def test_kla_readiness_refuses_an_unknown_region_or_period(demo):
    with pytest.raises(CommandError, match="Wilayah 'atlantis' tidak dikenal"):
        call_command("kla_readiness", period=demo.period.year, region="atlantis")
    with pytest.raises(CommandError, match="Periode 1999"):
        call_command("kla_readiness", period=1999, region="balikpapan")


def _attach(demo, path, **options):
    arguments = {
        "period": demo.period.year,
        "region": "balikpapan",
        "agency": "DINKES",
        "item": "III.12.a",
        "requirement": "data",
        "document_date": (demo.period.reference_on - datetime.timedelta(days=40)).isoformat(),
        **options,
    }
    out = io.StringIO()
    call_command("attach_evidence", str(path), stdout=out, **arguments)
    return out.getvalue()


def test_attach_evidence_attaches_a_file_as_the_document_it_is(demo, tmp_path):
    path = tmp_path / "laporan KIA.pdf"
    path.write_bytes(PDF)
    output = _attach(demo, path, number="440/12/DINKES", valid_until="2030-12-31", title="KIA")
    evidence = Evidence.objects.get()
    assert "dilampirkan" in output
    assert evidence.requirement.code == "data" and evidence.document_number == "440/12/DINKES"
    assert evidence.valid_until == datetime.date(2030, 12, 31) and evidence.title == "KIA"
    assert evidence.original_name == "laporan KIA.pdf"
    assert evidence.submission.status == S.DRAFT  # created for the file, as a draft


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"document_date": "31-03-2026"}, "tidak terbaca: tulis YYYY-MM-DD"),
        ({"valid_until": "kemarin"}, "tidak terbaca"),
        ({"region": "atlantis"}, "Wilayah 'atlantis' tidak dikenal"),
        ({"agency": "XYZ"}, "OPD 'XYZ' tidak ada"),
        ({"item": "II.11.a"}, "tidak ditugaskan ke DINKES"),
        ({"requirement": "sk"}, "Yang diminta: data"),
        ({"document_date": "2099-01-01"}, "tidak boleh setelah hari ini"),
        ({"valid_until": "2000-01-01"}, "tidak boleh sebelum tanggal dokumen"),
    ],
)
def test_attach_evidence_refuses_bad_input_and_attaches_nothing(demo, tmp_path, options, message):
    path = tmp_path / "laporan.pdf"
    path.write_bytes(PDF)
    with pytest.raises(CommandError, match=message):
        _attach(demo, path, **options)
    assert not Evidence.objects.exists()


def test_attach_evidence_checks_the_content_as_an_upload_does(demo, tmp_path):
    path = tmp_path / "laporan.pdf"
    path.write_bytes(b"<html><script>alert(1)</script></html>")
    with pytest.raises(CommandError, match="tidak dikenali"):
        _attach(demo, path)
    with pytest.raises(CommandError, match="tidak ditemukan"):
        _attach(demo, tmp_path / "hilang.pdf")
    assert not Evidence.objects.exists()
    # The draft made to hold the file goes with the refused file: nothing is left behind.
    assert not Submission.objects.filter(item__code="III.12.a", agency__code="DINKES").exists()


def test_attach_evidence_exits_non_zero_from_the_command_line(demo, tmp_path):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(
            ["manage.py", "attach_evidence", str(tmp_path / "x.pdf"), "--period", "2026",
             "--region", "balikpapan", "--agency", "DINKES", "--item", "III.12.a",
             "--requirement", "data", "--document-date", "2026-01-01"]
        )  # fmt: skip
    assert exited.value.code != 0


def test_kla_score_ready_keeps_the_contract_and_counts_only_ready_approvals(demo):
    period = demo.period
    make_ready(make_submission(period, "DINKES", "III.12.a", status=S.APPROVED))
    make_submission(period, "DINKES", "III.14.a", status=S.APPROVED)

    def score(basis):
        out = io.StringIO()
        call_command("kla_score", period=period.year, region="balikpapan", basis=basis, stdout=out)
        return json.loads(out.getvalue())

    ready, verified = score("ready"), score("verified")
    assert ready["basis"] == "ready" and set(ready) == set(verified)
    values = {i["code"]: i["value"] for i in ready["items"]}
    assert values["III.12.a"] == 90.0 and values["III.14.a"] is None
    assert 0 < ready["total"] < verified["total"]
