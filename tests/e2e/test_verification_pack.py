"""DP3AKB builds the verification pack in Chromium: start, progress, the worker, download."""

import hashlib
import zipfile

import pytest
from django.core.management import call_command
from django.test import override_settings

from indicators.models import Evidence, Submission, VerificationPack
from tests.conftest import attach_evidence, make_ready, make_submission

pytestmark = pytest.mark.django_db(transaction=True)
S = Submission.Status
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}


@override_settings(TASKS=DATABASE_TASKS)
def test_verifier_builds_watches_and_downloads_the_pack(page, login, demo, screenshot, tmp_path):
    period = demo.period
    ready = make_ready(make_submission(period, "DINKES", "III.12.a", status=S.APPROVED))
    rbra = make_submission(period, "DLH", "II.11.a", status=S.APPROVED, count=2)
    attach_evidence(rbra, name="Sertifikat RBRA Bekapai.pdf")
    make_submission(period, "DINKES", "III.13.a", status=S.SUBMITTED)

    login(page, "verifikator")
    page.goto("/admin/indicators/verificationpack/")
    page.get_by_role("link", name="Buat paket verifikasi").first.click()
    page.get_by_label("Periode").select_option(label=f"Kota Balikpapan {period.year}")
    page.get_by_label("Cakupan").select_option(label="Disetujui")
    screenshot(page, "pack-build-form")
    page.get_by_role("button", name="Mulai buat paket").click()

    # Queued: the worker has not taken it yet; the page says so and refreshes itself.
    assert "Pembuatan paket" in page.locator(".messagelist").inner_text()
    assert page.locator(".kla-pack-status").inner_text() == "Menunggu"
    assert page.locator("#pack-refreshing").is_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    screenshot(page, "pack-queued")

    # The worker of `make serve` and the systemd unit, run here for the job waiting.
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    page.reload()
    assert page.locator(".kla-pack-status").inner_text() == "Selesai"
    files = Evidence.objects.filter(submission__status=S.APPROVED).count()
    progress = page.locator(".kla-pack-progress-text").inner_text()
    assert progress.startswith("100 %") and f"{files} dari {files} berkas" in progress
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    screenshot(page, "pack-done")

    with page.expect_download() as info:
        page.locator(".kla-pack-download").click()
    download = info.value
    assert download.suggested_filename == f"paket-verifikasi-balikpapan-{period.year}-approved.zip"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    archive = zipfile.ZipFile(target)
    names = archive.namelist()
    assert "II/II.11/II.11.a/DLH/01-sertifikat-rbra-bekapai.pdf" in names
    assert not any("III.13.a" in n for n in names)
    assert len([n for n in names if "/" in n]) == files
    for line in archive.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert ready.evidence.exists()

    # The list shows the earlier pack, when it was built and until when it can be fetched.
    page.goto("/admin/indicators/verificationpack/")
    row = page.locator("#result_list tbody tr").first
    assert "Selesai" in row.inner_text() and "verifikator" in row.inner_text()
    assert VerificationPack.objects.get().expires_at is not None
    screenshot(page, "pack-list")
