"""What an uploaded evidence file may be: checked by content, with a safe name and a checksum.

A file is accepted by what it is, not by what it is called: the first bytes must be a PDF,
PNG or JPEG (puremagic), or a zip whose inner parts make it an XLSX, DOCX, ODT or ODS. HTML,
SVG and executables are refused even when renamed, because they match none of these. Office
files that would run code or reach out when opened (macros, external templates or linked
parts, embedded OLE or ActiveX objects) are refused too, whatever their name. The form checks
a file with `evidence_inspect` before anything is saved; `services.evidence` checks it again.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.models import Evidence
from indicators.services import workflow

ALLOWED_LABEL = "PDF, PNG, JPEG, XLSX, DOCX, ODT, ODS"
MAX_NAME = 150
HEAD_BYTES = 8192
ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    kind: str


TYPES = {
    "pdf": FileType("pdf", "application/pdf", Evidence.Kind.DOCUMENT),
    "png": FileType("png", "image/png", Evidence.Kind.PHOTO),
    "jpg": FileType("jpg", "image/jpeg", Evidence.Kind.PHOTO),
    "docx": FileType(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Evidence.Kind.DOCUMENT,
    ),
    "xlsx": FileType(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Evidence.Kind.SPREADSHEET,
    ),
    "odt": FileType("odt", "application/vnd.oasis.opendocument.text", Evidence.Kind.DOCUMENT),
    "ods": FileType(
        "ods", "application/vnd.oasis.opendocument.spreadsheet", Evidence.Kind.SPREADSHEET
    ),
}
# Signatures puremagic reports for the types allowed outside zips.
MAGIC = {".pdf": "pdf", ".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".jfif": "jpg"}


class EvidenceRejected(workflow.WorkflowError):
    """The file is not accepted; the message says why, which types are allowed and the limit."""


def limit_mb() -> str:
    return f"{settings.EVIDENCE_MAX_BYTES / (1024 * 1024):g}"


def _refuse(reason: str) -> EvidenceRejected:
    return EvidenceRejected(
        _("%(reason)s Jenis yang diterima: %(types)s; ukuran paling besar %(mb)s MB.")
        % {"reason": reason, "types": ALLOWED_LABEL, "mb": limit_mb()}
    )


def evidence_inspect(upload) -> FileType:
    """The type of an uploaded file judged by its content, or EvidenceRejected."""
    size = upload.size
    if not size:
        raise _refuse(_("Berkas kosong (0 byte)."))
    if size > settings.EVIDENCE_MAX_BYTES:
        raise _refuse(
            _("Berkas terlalu besar (%(mb)s MB).") % {"mb": f"{size / (1024 * 1024):.1f}"}
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    found = _zip_type(upload) if head.startswith(b"PK\x03\x04") else _magic_type(head)
    if found is None:
        raise _refuse(_("Isi berkas tidak dikenali sebagai jenis yang diterima."))
    return TYPES[found]


def upload_clean(upload):
    """A form's check of its file field (`clean_<field>`): the same content check as the
    services', refused at the field with its message; no file passes through."""
    if upload:
        try:
            evidence_inspect(upload)
        except EvidenceRejected as exc:
            raise ValidationError(str(exc)) from None
    return upload


def _magic_type(head: bytes) -> str | None:
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    for match in matches:
        found = MAGIC.get(match.extension.lower())
        if found and _starts_right(found, head):
            return found
    return None


def _starts_right(found: str, head: bytes) -> bool:
    # puremagic also matches signatures deep in a file; only a leading one makes a real file.
    prefixes = {"pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",)}
    return head.startswith(prefixes[found])


def _zip_type(upload) -> str | None:
    """XLSX, DOCX, ODT or ODS by the zip's parts; refuses macros, external links and objects."""
    try:
        with zipfile.ZipFile(upload) as archive:
            found = _office_kind(archive)
            if found in ("xlsx", "docx"):
                _ooxml_safe(archive)
            elif found in ("odt", "ods"):
                _odf_safe(archive)
            return found
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return None
    finally:
        upload.seek(0)


def _office_kind(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    if "mimetype" in names:
        # A few bytes only: the entry is tiny in a real ODF file.
        with archive.open("mimetype") as entry:
            return ODF_TYPES.get(entry.read(100).strip())
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.startswith("word/") for name in names):
        return "docx"
    return None


# What an office file may carry that runs code or reaches out when it is opened. Excel's
# printerSettings*.bin and a chart's embedded workbook are ordinary and stay allowed.
OOXML_MACRO = re.compile(r"(^|/)vba(Project|Data)[^/]*$|\.(xlsm|docm|pptm|xlsb)$", re.I)
OOXML_OBJECT = re.compile(r"(^|/)(activeX/|oleObject[^/]*$|embeddings/[^/]*\.bin$)", re.I)
OOXML_MACRO_TYPES = re.compile(rb"macroEnabled|vbaProject|vbaData", re.I)
OOXML_OBJECT_TYPES = re.compile(rb"activeX|oleObject", re.I)
ODF_MACRO = re.compile(r"^(Basic|Scripts)/", re.I)
ODF_MANIFEST_MACRO = re.compile(rb"media-type=\"[^\"]*(basic|script)[^\"]*\"", re.I)
ODF_MANIFEST_OBJECT = re.compile(rb"media-type=\"[^\"]*(oleobject|x-ole)[^\"]*\"", re.I)
# Parts are read only up to this size, so a zip bomb costs nothing; real ones are far smaller.
PART_CAP = 2 * 1024 * 1024
PARTS_CAP = 400  # .rels parts inspected; a real document has a few dozen at most


def _member(archive: zipfile.ZipFile, name: str, cap: int = PART_CAP) -> bytes:
    """A zip member's bytes, read at most `cap` bytes deep; larger ones are refused."""
    with archive.open(name) as entry:
        data = entry.read(cap + 1)
    if len(data) > cap:
        raise _refuse(_("Bagian %(part)s di dalam berkas terlalu besar.") % {"part": name})
    return data


def _refuse_macro() -> EvidenceRejected:
    return _refuse(
        _(
            "Berkas berisi makro (VBA atau skrip). Simpan ulang sebagai dokumen biasa tanpa "
            "makro (.xlsx, .docx, .ods, .odt; bukan .xlsm atau .docm), lalu unggah lagi."
        )
    )


def _refuse_object() -> EvidenceRejected:
    return _refuse(
        _(
            "Berkas memuat objek tersemat (OLE atau ActiveX). Hapus objek tersebut atau "
            "simpan dokumen sebagai PDF, lalu unggah lagi."
        )
    )


def _ooxml_safe(archive: zipfile.ZipFile) -> None:
    names = archive.namelist()
    if any(OOXML_MACRO.search(name) for name in names):
        raise _refuse_macro()
    if any(OOXML_OBJECT.search(name) for name in names):
        raise _refuse_object()
    types = _member(archive, "[Content_Types].xml")
    if OOXML_MACRO_TYPES.search(types):
        raise _refuse_macro()
    if OOXML_OBJECT_TYPES.search(types):
        raise _refuse_object()
    relationships = [name for name in names if name.lower().endswith(".rels")]
    if len(relationships) > PARTS_CAP:
        raise _refuse(_("Berkas memuat terlalu banyak bagian untuk diperiksa."))
    for name in relationships:
        if _external_relationship(_member(archive, name)):
            raise _refuse(
                _(
                    "Berkas mengambil isi dari luar saat dibuka (templat, gambar atau objek "
                    "bertautan). Simpan ulang tanpa templat atau tautan luar (mis. sebagai "
                    "dokumen baru atau PDF), lalu unggah lagi."
                )
            )


def _external_relationship(xml: bytes) -> bool:
    """Whether a .rels part makes the file fetch something from outside when it is opened.

    A hyperlink is followed only when clicked, so it stays allowed; an external template,
    image, frame or object is fetched on opening (remote template injection, leaked logins).
    """
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        return True  # no real .rels has a DTD; one here is an entity-expansion attempt
    try:
        # Safe here without defusedxml: a DTD (the only way to entities) is refused above,
        # and the part was read with a size cap.
        root = ElementTree.fromstring(xml)  # noqa: S314
    except ElementTree.ParseError:
        return True
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] != "Relationship":
            continue
        if element.get("TargetMode", "").lower() != "external":
            continue
        if not element.get("Type", "").endswith("/hyperlink"):
            return True
    return False


def _odf_safe(archive: zipfile.ZipFile) -> None:
    names = archive.namelist()
    if any(ODF_MACRO.search(name) for name in names):
        raise _refuse_macro()
    if "META-INF/manifest.xml" in names:
        manifest = _member(archive, "META-INF/manifest.xml")
        if ODF_MANIFEST_MACRO.search(manifest):
            raise _refuse_macro()
        if ODF_MANIFEST_OBJECT.search(manifest):
            raise _refuse_object()


def evidence_clean_name(name: str, extension: str) -> str:
    """A display name without paths, NUL or control characters, capped, letters of any script.

    The extension becomes the one the content proved, so `laporan.exe` holding a PDF reads
    `laporan.pdf`.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    # Cc covers NUL and control characters; Cf covers invisible ones such as right-to-left
    # overrides that could disguise an extension.
    name = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch
        for ch in name
        if unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn") and ch != "\x00"
    )
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,5}", suffix):
        stem = name
    stem = stem[: MAX_NAME - len(extension) - 1].rstrip(" .") or "berkas"
    return f"{stem}.{extension}"


def sha256(upload) -> str:
    """The file's SHA-256, read in chunks; the upload is rewound for whoever reads it next."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
