"""Backup and restore: a restored database scores the same and holds the same evidence files."""

import hashlib
import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Evidence, evidence_storage
from indicators.services import backup

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def scores(period):
    return {
        basis: json.loads(
            run(
                "kla_score",
                "--period",
                str(period.year),
                "--region",
                "balikpapan",
                "--basis",
                basis,
            )
        )
        for basis in ("verified", "self")
    }


def evidence_digests():
    storage = evidence_storage()
    digests = {}
    for name in Evidence.objects.values_list("file", flat=True):
        with storage.open(name, "rb") as handle:
            digests[name] = hashlib.sha256(handle.read()).hexdigest()
    return digests


def row_counts():
    """Rows of every model a backup carries, audit history included."""
    return {m._meta.label: m._default_manager.count() for m in backup._backed_up_models()}


def wipe():
    """An empty database and no evidence files, as on a new server."""
    storage = evidence_storage()
    names = list(Evidence.objects.values_list("file", flat=True))
    call_command("flush", "--noinput", verbosity=0)
    for name in names:
        storage.delete(name)
    assert not any(storage.exists(n) for n in names)


def backup_folder(tmp_path, *extra):
    out = run("backup", "--output", str(tmp_path), *extra)
    assert "Cadangan dibuat" in out
    (path,) = list(tmp_path.iterdir())
    return path


@pytest.mark.parametrize("archive", [False, True], ids=["folder", "tar.gz"])
def test_backup_then_restore_gives_identical_scores_and_files(demo_with_values, tmp_path, archive):
    period = demo_with_values.period
    before, files_before, rows_before = scores(period), evidence_digests(), row_counts()
    assert before["self"]["total"] > 0 and len(files_before) > 10
    path = backup_folder(tmp_path, *(["--archive"] if archive else []))
    assert path.name.startswith("kla-backup-") and path.name.endswith(".tar.gz") == archive
    wipe()
    assert "dipulihkan" in run("restore", str(path))
    assert scores(period) == before
    assert evidence_digests() == files_before
    assert row_counts() == rows_before


def test_manifest_lists_every_file_with_its_checksum(demo_with_values, tmp_path):
    folder = backup_folder(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    files = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert files == evidence_digests()
    data = (folder / "database.json").read_bytes()
    assert manifest["database"]["sha256"] == hashlib.sha256(data).hexdigest()
    labels = {row["model"] for row in json.loads(data)}
    assert "indicators.submission" in labels and "contenttypes.contenttype" not in labels


def test_restore_refuses_a_missing_backup(db, tmp_path):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run("restore", str(tmp_path / "nope"))
    with pytest.raises(CommandError, match="manifest.json tidak ada"):
        run("restore", str(tmp_path))


def test_restore_refuses_a_damaged_backup_and_changes_nothing(demo_with_values, tmp_path):
    folder = backup_folder(tmp_path)
    wipe()
    dump = folder / "database.json"
    original = dump.read_bytes()
    dump.write_bytes(original.replace(b'"approved"', b'"draft"', 1))
    with pytest.raises(CommandError, match="checksum 'database.json' tidak cocok"):
        run("restore", str(folder))
    assert not Evidence.objects.exists()
    dump.write_bytes(original)

    evidence = next((folder / "files").rglob("*.pdf"))
    shutil.copy(folder / "manifest.json", tmp_path / "manifest.bak")
    (folder / "manifest.json").write_text("{not json")
    with pytest.raises(CommandError, match="rusak"):
        run("restore", str(folder))
    shutil.copy(tmp_path / "manifest.bak", folder / "manifest.json")
    evidence.unlink()
    with pytest.raises(CommandError, match="tidak lengkap"):
        run("restore", str(folder))

    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(CommandError, match="rusak"):
        run("restore", str(broken))


def test_restore_refuses_a_database_that_is_not_empty(demo_with_values, tmp_path):
    folder = backup_folder(tmp_path)
    with pytest.raises(CommandError, match="tidak kosong"):
        run("restore", str(folder))
