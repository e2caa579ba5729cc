"""Evidence files: checked by content, stored under random names, downloaded only by the allowed."""

import hashlib
import io
import zipfile

import pytest

from indicators.models import Evidence
from indicators.seeding.demo import demo_pdf
from indicators.services import workflow
from indicators.services.evidence import evidence_add, evidence_remove
from indicators.uploads import EvidenceRejected, evidence_clean_name, evidence_inspect
from tests.conftest import make_ready, upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 40


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return buffer.getvalue()


XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "a": b""})


@pytest.fixture
def submission(make_draft):
    return make_draft("III.13.a", numerator=1, denominator=2)


@pytest.fixture
def stored(submission, operator):
    return evidence_add(
        submission=submission, upload=upload(demo_pdf("SK"), "SK Gugus.pdf"), actor=operator
    )


# ---- content checks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "extension", "kind"),
    [
        (demo_pdf("x"), "a.pdf", "pdf", "document"),
        (PNG, "a.png", "png", "photo"),
        (JPEG, "foto.jpeg", "jpg", "photo"),
        (XLSX, "data.xlsx", "xlsx", "spreadsheet"),
        (DOCX, "surat.docx", "docx", "document"),
        (ODT, "surat.odt", "odt", "document"),
        (ODS, "data.ods", "ods", "spreadsheet"),
        (demo_pdf("x"), "renamed.txt", "pdf", "document"),
    ],
)
def test_allowed_types_are_recognised_by_content(content, name, extension, kind):
    found = evidence_inspect(upload(content, name))
    assert (found.extension, found.kind) == (extension, kind)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "laporan.pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "foto.png"),
        (b"MZ\x90\x00" + b"\x00" * 60, "data.xlsx"),
        (b"\x7fELF" + b"\x00" * 60, "a.pdf"),
        (zipped({"a.txt": b"hello"}), "arsip.docx"),
        (zipped({"[Content_Types].xml": b"<Types/>", "ppt/x.xml": b""}), "slide.docx"),
        (zipped({"mimetype": b"application/epub+zip"}), "buku.odt"),
        (b"PK\x03\x04broken", "rusak.xlsx"),
        (b"plain text", "catatan.pdf"),
    ],
)
def test_other_content_is_refused_even_when_renamed(content, name):
    with pytest.raises(EvidenceRejected, match="PDF, PNG, JPEG, XLSX, DOCX, ODT, ODS"):
        evidence_inspect(upload(content, name))


def test_empty_file_is_refused():
    with pytest.raises(EvidenceRejected, match="0 byte"):
        evidence_inspect(upload(b"", "kosong.pdf"))


def test_oversize_file_is_refused_with_the_limit_in_mb(settings):
    settings.EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    big = demo_pdf("x") + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(EvidenceRejected, match="paling besar 2 MB"):
        evidence_inspect(upload(big, "besar.pdf"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\budi\\Laporan Anak.PDF", "Laporan Anak.pdf"),
        ("a\x00b\x07c.pdf", "ab c.pdf"),
        ("データ 報告.pdf", "データ 報告.pdf"),
        ("evil\u202egpj.exe", "evilgpj.pdf"),
        ("", "berkas.pdf"),
    ],
)
def test_original_names_are_sanitised(name, expected):
    assert evidence_clean_name(name, "pdf") == expected


def test_long_names_are_capped():
    assert len(evidence_clean_name("x" * 400 + ".pdf", "pdf")) <= 150


# ---- storing and removing --------------------------------------------------------------------


def test_added_file_keeps_checksum_random_name_and_clean_original(stored):
    content = demo_pdf("SK")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content) and stored.content_type == "application/pdf"
    assert stored.original_name == "SK Gugus.pdf"
    assert "SK" not in stored.file.name and stored.file.name.endswith(".pdf")
    with stored.file.open("rb") as handle:
        assert handle.read() == content


def test_several_files_per_submission(submission, operator, stored):
    evidence_add(submission=submission, upload=upload(PNG, "foto.png"), actor=operator)
    assert submission.evidence.count() == 2


def test_remove_deletes_row_and_file(stored, operator, django_capture_on_commit_callbacks):
    storage, name = stored.file.storage, stored.file.name
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=stored, actor=operator)
    assert not Evidence.objects.exists() and not storage.exists(name)


def test_approved_submission_evidence_cannot_be_removed_or_added(
    stored, submission, operator, verifier
):
    make_ready(submission)
    workflow.submission_submit(submission=submission, actor=operator, version=None)
    workflow.submission_approve(submission_id=submission.pk, actor=verifier)
    with pytest.raises(workflow.WorkflowError):
        evidence_remove(evidence=stored, actor=operator)
    with pytest.raises(workflow.WorkflowError):
        evidence_add(submission=submission, upload=upload(PNG, "x.png"), actor=operator)
    assert Evidence.objects.filter(pk=stored.pk).exists()


# ---- downloading: the four visitors and superusers -------------------------------------------


def download(client, evidence):
    return client.get(f"/evidence/{evidence.pk}/")


def test_operator_of_the_agency_downloads_as_attachment(client, operator, stored):
    client.force_login(operator)
    response = download(client, stored)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "SK%20Gugus.pdf" in response["Content-Disposition"]
        or "SK Gugus.pdf" in (response["Content-Disposition"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == demo_pdf("SK")


@pytest.mark.parametrize(
    ("visitor", "status"),
    [
        ("other_operator", 404),
        ("verifier", 200),
        ("other_region_verifier", 404),
        ("gugus_tugas", 404),
        ("superuser", 200),
        (None, 302),
    ],
)
def test_who_may_download_a_file(request, client, stored, visitor, status):
    """Operators of the agency (above), verifiers of the region and superusers; 404 to others."""
    if visitor == "other_region_verifier":
        from django.contrib.auth import get_user_model

        request.getfixturevalue("other_region")
        client.force_login(get_user_model().objects.get(username="verifikator.samarinda"))
    elif visitor:
        client.force_login(request.getfixturevalue(visitor))
    response = download(client, stored)
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"]


# ---- removing through the page ---------------------------------------------------------------


def test_operator_removes_own_file_through_the_page(client, operator, stored):
    client.force_login(operator)
    response = client.post(f"/evidence/{stored.pk}/remove/")
    assert response.status_code == 302
    assert response["Location"] == "/items/III.13.a/?agency=DINKES"
    assert not Evidence.objects.exists()


def test_other_operator_cannot_remove(client, other_operator, stored):
    client.force_login(other_operator)
    assert client.post(f"/evidence/{stored.pk}/remove/").status_code == 404
    assert Evidence.objects.exists()


def test_verifier_cannot_remove_through_the_page(client, verifier, stored):
    client.force_login(verifier)
    assert client.post(f"/evidence/{stored.pk}/remove/").status_code == 404


def test_anonymous_cannot_remove(client, stored):
    assert client.post(f"/evidence/{stored.pk}/remove/").status_code == 302
    assert Evidence.objects.exists()


def test_remove_needs_post(client, operator, stored):
    client.force_login(operator)
    assert client.get(f"/evidence/{stored.pk}/remove/").status_code == 405


def test_removing_from_approved_submission_shows_message(
    client, operator, verifier, stored, submission
):
    make_ready(submission)
    workflow.submission_submit(submission=submission, actor=operator, version=None)
    workflow.submission_approve(submission_id=submission.pk, actor=verifier)
    client.force_login(operator)
    response = client.post(f"/evidence/{stored.pk}/remove/", follow=True)
    assert "tidak dapat diubah" in response.content.decode()
    assert Evidence.objects.filter(pk=stored.pk).exists()


def test_disallowed_upload_on_item_page_is_a_field_error(client, operator, demo):
    client.force_login(operator)
    response = client.post(
        "/items/III.17.a/?agency=DINKES",
        {"intent": "save", "version": 0, "answer": "1", "file": upload(b"<html>", "x.pdf")},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_file_error"' in page and "20 MB" in page
    assert 'value="1" class="form-check-input" aria-invalid' not in page  # only file is invalid
    assert "checked" in page  # the typed answer is kept
    assert not Evidence.objects.exists()
