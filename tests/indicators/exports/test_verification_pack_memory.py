"""The pack streams: packing many megabytes holds only a few in memory (no timing asserted)."""

import hashlib
import os
import tracemalloc
import zipfile

from django.core.files.base import ContentFile

from indicators.exports.verification_pack import pack_write
from indicators.models import Evidence, Submission
from indicators.selectors.packs import Filters
from tests.conftest import make_submission

MB = 1024 * 1024
FILES, FILE_MB = 6, 8  # 48 MB of evidence, each file larger than any buffer of the packer
BOUND_MB = 12


def test_packing_48_mb_keeps_python_memory_under_12_mb(demo, tmp_path):
    submission = make_submission(
        demo.period, "DINKES", "III.12.a", status=Submission.Status.APPROVED
    )
    for n in range(FILES):
        content = os.urandom(FILE_MB * MB)
        evidence = Evidence(
            submission=submission, original_name=f"besar-{n}.pdf", kind="document",
            content_type="application/pdf", size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )  # fmt: skip
        evidence.file.save(f"besar-{n}.pdf", ContentFile(content), save=True)
        del content
    target = tmp_path / "paket.zip"
    tracemalloc.start()
    try:
        result = pack_write(target, period=demo.period, filters=Filters())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.packed) == FILES and result.left_out == []
    assert target.stat().st_size > FILES * FILE_MB * MB
    assert peak < BOUND_MB * MB, f"peak {peak / MB:.1f} MB"
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
