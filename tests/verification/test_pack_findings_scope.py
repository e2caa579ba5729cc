"""The verification pack's `findings` scope: only the files that answer open or answered
findings, whatever the status of their submission; nothing of closed ones or other files."""

import io
import zipfile

import pytest
from django.core.management import call_command

from indicators.exports.verification_pack import pack_write
from indicators.models import Agency, Submission
from indicators.selectors.packs import Filters, pack_files
from tests.conftest import PDF, attach_evidence, make_submission, upload
from verification.services import findings as services

S = Submission.Status
pytestmark = pytest.mark.django_db


def _answer(finding, operator, name, **options):
    return services.finding_answer(
        finding=finding, agency=Agency.objects.get(code="DINKES"), note="Terlampir.",
        actor=operator, version=finding.version, upload=upload(PDF + name.encode(), name),
        **options,
    ).evidence  # fmt: skip


@pytest.fixture
def answered(demo, record, operator, verifier):
    """A file answering an open-then-answered finding on an approved answer, one answering a
    finding since closed, and files that answer nothing (on the same submission and another)."""
    period = demo.period
    approved = make_submission(period, "DINKES", "III.12.a", status=S.APPROVED)
    unrelated = attach_evidence(approved, name="lama.pdf", content=PDF + b"old")
    other = attach_evidence(
        make_submission(period, "DINKES", "III.14.a", status=S.SUBMITTED),
        name="lain.pdf",
        content=PDF + b"other",
    )
    waiting = _answer(record("III.12.a"), operator, "jawaban.pdf")
    closed_finding = record("III.13.a")
    settled = _answer(closed_finding, operator, "selesai.pdf")
    closed_finding.refresh_from_db()
    services.finding_close(finding=closed_finding, actor=verifier, version=closed_finding.version)
    reopened = record("III.14.b")
    still_open = _answer(reopened, operator, "masih.pdf")
    reopened.refresh_from_db()
    services.finding_close(finding=reopened, actor=verifier, version=reopened.version)
    reopened.refresh_from_db()
    services.finding_reopen(
        finding=reopened, actor=verifier, version=reopened.version, note="Belum cukup."
    )
    return {
        "period": period,
        "in": {waiting.pk, still_open.pk},
        "out": {unrelated.pk, other.pk, settled.pk},
    }


def test_the_findings_scope_holds_exactly_the_answering_files(answered):
    files = pack_files(answered["period"], Filters("findings"))
    assert {f.evidence_id for f in files} == answered["in"]
    assert not {f.evidence_id for f in files} & answered["out"]


def test_the_findings_pack_archive_and_command(answered, tmp_path):
    out = io.BytesIO()
    pack_write(out, period=answered["period"], filters=Filters("findings"))
    names = [n for n in zipfile.ZipFile(out).namelist() if "/" in n]
    assert sorted(names) == [
        "III/III.12/III.12.a/DINKES/01-jawaban.pdf",
        "III/III.14/III.14.b/DINKES/01-masih.pdf",
    ]
    target = tmp_path / "temuan.zip"
    call_command(
        "verification_pack", period=answered["period"].year, region="balikpapan",
        output=str(target), scope="findings", stdout=io.StringIO(),
    )  # fmt: skip
    assert sorted(n for n in zipfile.ZipFile(target).namelist() if "/" in n) == sorted(names)
