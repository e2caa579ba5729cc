"""Backup and restore carry the register's certificate files, checked like evidence."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command

from facilities.models import Certification
from indicators.models import evidence_storage
from tests.conftest import PDF, upload
from tests.facilities.conftest import grant

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_restored_register_holds_the_same_certificate_files(place, dlh_operator, tmp_path):
    certification = grant(place, dlh_operator, upload=upload(PDF + b"RBRA", "rbra.pdf"))
    name = certification.file.name
    call_command("backup", "--output", str(tmp_path), stdout=StringIO())
    (folder,) = list(tmp_path.iterdir())
    manifest = json.loads((folder / "manifest.json").read_text())
    digest = hashlib.sha256(PDF + b"RBRA").hexdigest()
    assert {"name": name, "sha256": digest, "size": len(PDF) + 4} in manifest["files"]

    call_command("flush", "--noinput", verbosity=0)
    evidence_storage().delete(name)
    call_command("restore", str(folder), stdout=StringIO())
    restored = Certification.objects.get()
    assert restored.file.name == name and restored.sha256 == certification.sha256
    with evidence_storage().open(name, "rb") as handle:
        assert handle.read() == PDF + b"RBRA"
