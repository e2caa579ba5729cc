"""Evidence files: content-checked upload, sanitised names, checksums, and removal.

A file is accepted by what it is, not by what it is called: the first bytes must be a PDF,
PNG or JPEG (puremagic), or a zip whose inner parts make it an XLSX, DOCX, ODT or ODS. HTML,
SVG and executables are refused even when renamed, because they match none of these.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import Evidence, Submission
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
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # Read a few bytes only: the entry is tiny in a real ODF file.
                with archive.open("mimetype") as entry:
                    return ODF_TYPES.get(entry.read(100).strip())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.startswith("word/") for name in names):
        return "docx"
    return None


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


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _editable(submission_id: int) -> Submission:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("period")
        .get(pk=submission_id)
    )
    if submission.period.locked or not submission.period.is_open_for_entry():
        raise workflow.WorkflowError(
            _("Periode %(year)s tidak menerima perubahan data dukung.")
            % {"year": submission.period.year}
        )
    if submission.status not in workflow.EDITABLE:
        raise workflow.WorkflowError(
            _("Data dukung isian yang sudah diajukan atau disetujui tidak dapat diubah.")
        )
    return submission


@transaction.atomic
def evidence_add(*, submission: Submission, upload, actor, title: str = "") -> Evidence:
    """Check an uploaded file by content and attach it to an editable submission."""
    found = evidence_inspect(upload)
    current = _editable(submission.pk)
    evidence = Evidence(
        submission=current,
        original_name=evidence_clean_name(getattr(upload, "name", ""), found.extension),
        title=title.strip()[:255],
        kind=found.kind,
        content_type=found.content_type,
        size=upload.size,
        sha256=_sha256(upload),
        uploaded_by=actor,
    )
    # The storage name is random (models.evidence_path); only the checked extension is kept.
    evidence.file.save(f"upload.{found.extension}", File(upload), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> None:
    """Remove a file from an editable submission (never from a submitted or approved one)."""
    _editable(evidence.submission_id)
    stored = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    # Delete the body only once the row is gone for good, so a rollback never loses a file.
    transaction.on_commit(lambda: storage.delete(stored))
