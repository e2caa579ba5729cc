"""The verification pack: exactly the scope's files, each once, with an index and checksums."""

import hashlib
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from indicators.exports.verification_pack import pack_write
from indicators.models import Evidence, ReviewEvent, Submission
from indicators.selectors.packs import Filters, clean_name
from tests.conftest import PDF, attach_evidence, make_ready, make_submission

S = Submission.Status


@pytest.fixture
def scope(demo, verifier):
    """An approved ready item (two files), an approved item with a gap, a submitted one, a
    draft, and an approved file of another cluster."""
    period = demo.period
    rbra = make_submission(period, "DLH", "II.11.a", status=S.APPROVED, count=4)
    first = attach_evidence(rbra, name="Sertifikat RBRA Bekapai.pdf", content=PDF + b"rbra-1")
    second = attach_evidence(rbra, name="=HYPERLINK(1).pdf", content=PDF + b"rbra-2")
    ReviewEvent.objects.create(
        submission=rbra, action="approved", from_status="submitted", to_status="approved",
        actor=verifier,
    )  # fmt: skip
    ready = make_ready(make_submission(period, "DINKES", "III.12.a", status=S.APPROVED))
    submitted = make_submission(period, "DINKES", "III.13.a", status=S.SUBMITTED)
    attach_evidence(submitted, name="diajukan.pdf", content=PDF + b"submitted")
    draft = make_submission(period, "DINKES", "III.14.a", status=S.DRAFT)
    attach_evidence(draft, name="draf.pdf", content=PDF + b"draft")
    return {"period": period, "rbra": rbra, "first": first, "second": second, "ready": ready}


def build(period, **filters):
    out = io.BytesIO()
    result = pack_write(out, period=period, filters=Filters(**filters))
    out.seek(0)
    return zipfile.ZipFile(out), result


def evidence_paths(archive):
    return sorted(n for n in archive.namelist() if "/" in n)


def test_the_approved_scope_holds_exactly_its_files_once_under_the_stated_paths(scope):
    archive, result = build(scope["period"])
    ready_files = Evidence.objects.filter(submission=scope["ready"]).order_by("uploaded_at", "pk")
    expected = [
        "II/II.11/II.11.a/DLH/01-sertifikat-rbra-bekapai.pdf",
        "II/II.11/II.11.a/DLH/02-hyperlink-1.pdf",
    ]
    expected += [
        f"III/III.12/III.12.a/DINKES/{n:02d}-{clean_name(e.original_name)}"
        for n, e in enumerate(ready_files, start=1)
    ]
    assert evidence_paths(archive) == sorted(expected)
    assert len(archive.namelist()) == len(set(archive.namelist()))
    assert {"index.xlsx", "index.html", "SHA256SUMS"} <= set(archive.namelist())
    # Every packed file is byte for byte the stored one, with the stored checksum.
    stored = {e.sha256 for e in Evidence.objects.filter(submission__status=S.APPROVED)}
    for name in evidence_paths(archive):
        assert hashlib.sha256(archive.read(name)).hexdigest() in stored
    assert result.left_out == []


def test_scopes_and_filters_choose_the_files(scope):
    archive, _ = build(scope["period"], scope="all")
    names = evidence_paths(archive)
    assert any("III.13.a/DINKES/01-diajukan.pdf" in n for n in names)
    assert not any("draf" in n for n in names)
    archive, _ = build(scope["period"], scope="ready")
    assert {n.split("/")[2] for n in evidence_paths(archive)} == {"III.12.a"}
    archive, _ = build(scope["period"], cluster="II")
    assert {n.split("/")[2] for n in evidence_paths(archive)} == {"II.11.a"}
    archive, _ = build(scope["period"], scope="all", agency="DINKES", item="III.13.a")
    assert evidence_paths(archive) == ["III/III.13/III.13.a/DINKES/01-diajukan.pdf"]


def test_sha256sums_verifies_with_sha256sum_c(scope, tmp_path):
    archive, _ = build(scope["period"], scope="all")
    archive.extractall(tmp_path)
    sums = (tmp_path / "SHA256SUMS").read_text()
    listed = [line.split("  ", 1)[1] for line in sums.splitlines()]
    assert sorted(listed) == sorted(n for n in archive.namelist() if n != "SHA256SUMS")
    tool = shutil.which("sha256sum")
    assert tool, "sha256sum (coreutils) is needed to check the pack as an assessor would"
    done = subprocess.run(  # noqa: S603 - a fixed command on files the test wrote
        [tool, "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(listed)


def test_the_index_lists_every_file_and_neutralises_formulas(scope):
    archive, _ = build(scope["period"])
    book = load_workbook(io.BytesIO(archive.read("index.xlsx")))
    files = list(book["Berkas"].iter_rows(values_only=True))
    header, rows = files[0], files[1:]
    path = header.index("Path dalam arsip")
    assert sorted(r[path] for r in rows) == evidence_paths(archive)
    titles = [r[header.index("Judul")] for r in rows]
    assert "'=HYPERLINK(1).pdf" in titles and "=HYPERLINK(1).pdf" not in titles
    rbra = next(r for r in rows if r[path].endswith("01-sertifikat-rbra-bekapai.pdf"))
    assert rbra[header.index("Disetujui oleh")] == "verifikator"
    assert rbra[header.index("SHA-256")] == scope["first"].sha256
    assert rbra[header.index("Ukuran (byte)")] == scope["first"].size
    assert rbra[header.index("Nama klaster")] and rbra[header.index("Nama butir")]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith(("=", "+", "-", "@")))
    items = list(book["Butir"].iter_rows(values_only=True))
    item_header = items[0]
    by_item = {r[item_header.index("Butir")]: r for r in items[1:]}
    assert set(by_item) == {"II.11.a", "III.12.a"}
    assert by_item["III.12.a"][item_header.index("Nilai butir siap verifikasi")] > 0
    assert by_item["II.11.a"][item_header.index("Nilai butir siap verifikasi")] == 0
    assert by_item["II.11.a"][item_header.index("Nilai butir terverifikasi")] > 0


def test_the_html_index_links_every_file_relatively_without_script(scope):
    archive, _ = build(scope["period"])
    html = archive.read("index.html").decode()
    links = re.findall(r'href="([^"]+)"', html)
    assert sorted(links) == evidence_paths(archive)
    assert "<script" not in html.lower() and "http" not in html
    assert "=HYPERLINK(1).pdf" in html and "<td>" in html


def test_a_tampered_file_is_reported_and_left_out(scope):
    tampered = scope["second"]
    with tampered.file.storage.open(tampered.file.name, "wb") as handle:
        handle.write(PDF + b"changed after upload")
    gone = scope["first"]
    gone.file.storage.delete(gone.file.name)
    archive, result = build(scope["period"])
    names = evidence_paths(archive)
    assert not any("II.11.a" in n for n in names)
    assert {x["evidence"] for x in result.left_out} == {tampered.pk, gone.pk}
    reasons = {x["evidence"]: x["reason"] for x in result.left_out}
    assert "checksum tidak cocok" in reasons[tampered.pk]
    assert "tidak ditemukan" in reasons[gone.pk]
    assert "II.11.a" not in archive.read("SHA256SUMS").decode()
    book = load_workbook(io.BytesIO(archive.read("index.xlsx")))
    left = list(book["Tidak disertakan"].iter_rows(values_only=True))[1:]
    assert len(left) == 2
    assert "checksum tidak cocok" in archive.read("index.html").decode()


def test_a_stored_file_shared_by_two_rows_is_packed_once(scope):
    copy = Evidence.objects.get(pk=scope["first"].pk)
    copy.pk = None
    copy.submission = scope["ready"]
    copy.save()
    archive, result = build(scope["period"])
    assert sum(n.endswith("sertifikat-rbra-bekapai.pdf") for n in archive.namelist()) == 1
    paths = [row.path for row in result.packed]
    assert paths.count("II/II.11/II.11.a/DLH/01-sertifikat-rbra-bekapai.pdf") == 2


def test_clean_names_are_safe_for_every_tool():
    assert clean_name("Sertifikat RBRA Bekapai.PDF") == "sertifikat-rbra-bekapai.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("Foto Ⅻ١٢٣🙂\u202e.jpg") == "foto-xii.jpg"
    assert clean_name("   .pdf") == "berkas.pdf"
    assert clean_name("a\nb  c.pdf") == "a-b-c.pdf"


# ---- the command --------------------------------------------------------------------------------


def test_the_command_writes_the_pack_and_shows_progress(scope, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "paket.zip"
    call_command(
        "verification_pack", period=scope["period"].year, region="balikpapan",
        output=str(target), scope="approved", stdout=out, stderr=err,
    )  # fmt: skip
    archive = zipfile.ZipFile(target)
    assert len(evidence_paths(archive)) == 2 + scope["ready"].evidence.count()
    assert "[1/" in err.getvalue() and "100%" in err.getvalue()
    assert "Paket verifikasi ditulis" in out.getvalue()
    assert not (tmp_path / "paket.zip.part").exists()


def test_the_command_reports_a_tampered_file(scope, tmp_path):
    tampered = scope["first"]
    with tampered.file.storage.open(tampered.file.name, "wb") as handle:
        handle.write(b"not the same")
    err = io.StringIO()
    call_command(
        "verification_pack", period=scope["period"].year, region="balikpapan",
        output=str(tmp_path / "p.zip"), stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert "TIDAK DISERTAKAN" in err.getvalue() and "Sertifikat RBRA Bekapai.pdf" in err.getvalue()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"region": "atlantis"}, "Wilayah 'atlantis' tidak dikenal"),
        ({"period": 1999}, "Periode 1999"),
        ({"cluster": "IX"}, "Kode klaster 'IX' tidak dikenal"),
        ({"agency": "NOPE"}, "Kode OPD 'NOPE' tidak dikenal"),
        ({"item": "Z.1.a"}, "Kode butir 'Z.1.a' tidak dikenal"),
        ({"output": "paket.tar"}, "berakhiran .zip"),
    ],
)
def test_the_command_refuses_bad_input_clearly(scope, tmp_path, options, message):
    arguments = {
        "period": scope["period"].year,
        "region": "balikpapan",
        "output": str(tmp_path / "p.zip"),
        **options,
    }
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("verification_pack", stdout=io.StringIO(), stderr=io.StringIO(), **arguments)
    assert not (tmp_path / "p.zip").exists()
