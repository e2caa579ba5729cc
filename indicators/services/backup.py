"""Backup and restore: a JSON dump of the database plus the evidence files, with checksums.

The dump is Django's `dumpdata` (natural keys for users, groups and permissions), so one backup
restores on SQLite and PostgreSQL alike. Content types, permissions, sessions and django-axes
logs are left out: `migrate` recreates the first two, and the others are short-lived.
Evidence files and the register's certificate files are read and written through the
`evidence` storage, so S3 works the same.

A backup is a folder `kla-backup-YYYYMMDD-HHMMSS/` (or the same as `.tar.gz`) holding
`database.json`, `files/<storage name>` and `manifest.json` with a SHA-256 of every part.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files.base import File
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from facilities.models import Certification
from indicators.models import Evidence, evidence_storage

FORMAT = 1
DATABASE = "database.json"
MANIFEST = "manifest.json"
FILES = "files"
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes"]
EXCLUDED_APPS = {"contenttypes", "sessions", "axes"}


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says what to do."""


@dataclass
class BackupReport:
    path: Path
    files: int
    missing: list[str]
    counts: dict[str, int]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _backed_up_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label_lower != "auth.permission"
    ]


def stored_file_names() -> set[str]:
    """Every file the database points to in the evidence storage: evidence and the register's
    certificates (both live there, under the same download rules)."""
    return set(Evidence.objects.exclude(file="").values_list("file", flat=True)) | set(
        Certification.objects.exclude(file="").values_list("file", flat=True)
    )


def _safe_name(name: str) -> PurePosixPath:
    """A storage name as a relative path that cannot climb out of the backup folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\x00" in name:
        raise BackupError(f"Nama berkas tidak aman di cadangan: {name!r}")
    return path


def backup_create(*, output: Path, archive: bool = False) -> BackupReport:
    """Write a timestamped backup folder (or .tar.gz) under `output`."""
    output.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = output / f"kla-backup-{stamp}"
    if folder.exists() or folder.with_suffix(".tar.gz").exists():
        raise BackupError(f"'{folder}' sudah ada; tunggu sebentar atau pilih --output lain.")
    folder.mkdir()
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # One snapshot for the dump and the file list, while the portal keeps working.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            counts = {m._meta.label: m._default_manager.count() for m in _backed_up_models()}
            call_command(
                "dumpdata",
                natural_foreign=True,
                exclude=EXCLUDE,
                output=str(folder / DATABASE),
                verbosity=0,
            )
            names = sorted(stored_file_names())
        files, missing = _copy_out(names, folder / FILES)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {
                "file": DATABASE,
                "vendor": connection.vendor,
                "sha256": sha256_of(folder / DATABASE),
                "size": (folder / DATABASE).stat().st_size,
            },
            "counts": counts,
            "files": files,
            "missing": missing,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    path = folder
    if archive:
        path = folder.with_suffix(".tar.gz")
        with tarfile.open(path, "w:gz") as tar:
            tar.add(folder, arcname=folder.name)
        shutil.rmtree(folder)
    return BackupReport(path=path, files=len(files), missing=missing, counts=counts)


def _copy_out(names: list[str], target: Path) -> tuple[list[dict], list[str]]:
    storage = evidence_storage()
    files, missing = [], []
    for name in names:
        relative = _safe_name(name)
        if not storage.exists(name):
            missing.append(name)
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, open(destination, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        files.append(
            {"name": name, "sha256": sha256_of(destination), "size": destination.stat().st_size}
        )
    return files, missing


@contextmanager
def _opened(source: Path):
    """The backup folder of `source`, unpacking a .tar.gz into a temporary folder first."""
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise BackupError(f"Cadangan '{source}' tidak ditemukan.")
    with tempfile.TemporaryDirectory(prefix="kla-restore-") as temporary:
        try:
            with tarfile.open(source, "r:*") as tar:
                tar.extractall(temporary, filter="data")  # refuses links and paths outside
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"Arsip cadangan '{source}' rusak: {exc}") from None
        folders = [p for p in Path(temporary).iterdir() if p.is_dir()]
        if len(folders) != 1:
            raise BackupError(f"Arsip '{source}' tidak berisi satu folder cadangan.")
        yield folders[0]


def _verified_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"'{folder}' bukan cadangan Portal KLA: {MANIFEST} tidak ada.") from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{MANIFEST} di '{folder}' rusak (bukan JSON yang sah).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} di '{folder}' bukan format cadangan {FORMAT}.")
    try:
        database, files = manifest["database"], manifest["files"]
        checks = [(folder / DATABASE, database["sha256"], DATABASE)] + [
            (folder / FILES / _safe_name(f["name"]), f["sha256"], f["name"]) for f in files
        ]
    except (KeyError, TypeError):
        raise BackupError(f"{MANIFEST} di '{folder}' tidak lengkap.") from None
    for path, expected, label in checks:
        if not path.is_file():
            raise BackupError(f"Cadangan tidak lengkap: '{label}' tidak ada.")
        if sha256_of(path) != expected:
            raise BackupError(f"Cadangan rusak: checksum '{label}' tidak cocok dengan manifest.")
    return manifest


def _ensure_empty() -> None:
    filled = [m._meta.label for m in _backed_up_models() if m._default_manager.exists()]
    if filled:
        raise BackupError(
            "Basis data tujuan tidak kosong (" + ", ".join(filled[:5]) + "). Pulihkan hanya ke "
            "basis data kosong, misalnya setelah 'manage.py flush'."
        )


def backup_restore(*, source: Path) -> BackupReport:
    """Check a backup, migrate, load the dump into an empty database and put the files back."""
    with _opened(source) as folder:
        manifest = _verified_manifest(folder)
        call_command("migrate", interactive=False, verbosity=0)
        _ensure_empty()
        # The dump carries the audit history already; loading must not write history of its own
        # (simple_history records m2m changes even on raw loads, which would collide on keys).
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(folder / DATABASE), verbosity=0)
        storage = evidence_storage()
        for entry in manifest["files"]:
            name, path = entry["name"], folder / FILES / _safe_name(entry["name"])
            if storage.exists(name):
                with storage.open(name, "rb") as current:
                    if hashlib.file_digest(current, "sha256").hexdigest() == entry["sha256"]:
                        continue
                storage.delete(name)
            with open(path, "rb") as handle:
                saved = storage.save(name, File(handle, name=PurePosixPath(name).name))
            if saved != name:
                raise BackupError(f"Berkas '{name}' tersimpan sebagai '{saved}'; periksa storage.")
    return BackupReport(
        path=source,
        files=len(manifest["files"]),
        missing=manifest.get("missing", []),
        counts=manifest.get("counts", {}),
    )
