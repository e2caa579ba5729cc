"""Verification packs as background jobs: queued, built with progress, refused twice, expired."""

import datetime
import io
import zipfile

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from indicators.exports import verification_pack
from indicators.models import Submission, VerificationPack
from indicators.selectors.packs import Filters
from indicators.services import packs
from tests.conftest import PDF, attach_evidence, make_ready, make_submission

S = Submission.Status
P = VerificationPack.Status
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """`packs.pack_request` with its after-commit queueing run, as in a real request."""

    def run(period, actor, **filters):
        with django_capture_on_commit_callbacks(execute=True):
            return packs.pack_request(period=period, filters=Filters(**filters), actor=actor)

    return run


@pytest.fixture
def approved(demo):
    submission = make_ready(make_submission(demo.period, "DINKES", "III.12.a", status=S.APPROVED))
    attach_evidence(submission, name="Laporan Persalinan.pdf", content=PDF + b"x" * 3000)
    return submission


def test_a_requested_pack_is_built_and_kept_in_the_private_storage(demo, approved, verifier, start):
    pack = start(demo.period, verifier)
    pack.refresh_from_db()
    assert pack.status == P.DONE, pack.error
    assert pack.started_by == verifier and pack.task_id
    assert pack.files_done == pack.files_total == approved.evidence.count()
    assert pack.bytes_done == pack.bytes_total > 3000
    assert pack.file.name.startswith("packs/") and pack.size > pack.bytes_total
    assert pack.expires_at - pack.built_at == datetime.timedelta(days=7)
    with pack.file.open("rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert any(n.endswith("-laporan-persalinan.pdf") for n in names)


def test_progress_is_recorded_as_the_build_goes(demo, approved, verifier, monkeypatch, start):
    seen = []
    real = verification_pack.pack_write

    def spying(out, *, progress, **kwargs):
        def spy(state):
            progress(state)
            seen.append(VerificationPack.objects.values_list("status", "files_done").get())

        return real(out, progress=spy, **kwargs)

    monkeypatch.setattr(packs, "pack_write", spying)
    start(demo.period, verifier)
    assert seen[0] == (P.RUNNING, 0)
    assert {done for _status, done in seen} == set(range(approved.evidence.count() + 1))


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_builds_a_queued_pack(demo, approved, verifier, start):
    pack = start(demo.period, verifier)
    pack.refresh_from_db()
    assert pack.status == P.QUEUED and pack.task_id
    # The worker of the systemd unit and `make serve`, here for the jobs waiting, then it stops.
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    pack.refresh_from_db()
    assert pack.status == P.DONE and pack.file


@override_settings(TASKS=DATABASE_TASKS)
def test_the_same_scope_is_not_started_twice(demo, approved, verifier, superuser, start):
    first = start(demo.period, verifier)
    with pytest.raises(packs.PackRefused, match="sudah dimulai") as refused:
        start(demo.period, superuser, scope="approved")
    assert refused.value.pack == first
    # Another scope is another pack.
    other = start(demo.period, superuser, scope="all")
    assert other.pk != first.pk
    assert VerificationPack.objects.filter(status=P.QUEUED).count() == 2


def test_a_failed_build_says_why(demo, approved, verifier, monkeypatch, start):
    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(packs, "pack_write", broken)
    pack = start(demo.period, verifier)
    pack.refresh_from_db()
    assert pack.status == P.FAILED and not pack.file
    assert "No space left on device" in pack.error and "gagal" in pack.error
    # A failed build does not block the next one.
    monkeypatch.undo()
    again = start(demo.period, verifier)
    again.refresh_from_db()
    assert again.status == P.DONE


def test_an_unknown_code_is_refused_before_anything_is_queued(demo, verifier, start):
    with pytest.raises(packs.PackRefused, match="Kode butir 'X.9' tidak dikenal"):
        start(demo.period, verifier, item="X.9")
    assert not VerificationPack.objects.exists()


@override_settings(TASKS=DATABASE_TASKS)
def test_a_build_whose_worker_died_can_be_started_again(demo, approved, verifier, start):
    stuck = start(demo.period, verifier)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    VerificationPack.objects.filter(pk=stuck.pk).update(status=P.RUNNING, updated_at=long_ago)
    again = start(demo.period, verifier)
    stuck.refresh_from_db()
    assert stuck.status == P.FAILED and "pekerja latar" in stuck.error
    assert again.status == P.QUEUED


def test_expired_packs_lose_their_file_with_the_command_and_with_the_next_build(
    demo, approved, verifier, start
):
    pack = start(demo.period, verifier)
    pack.refresh_from_db()
    storage, name = pack.file.storage, pack.file.name
    assert storage.exists(name)
    VerificationPack.objects.filter(pk=pack.pk).update(expires_at=timezone.now())
    out = io.StringIO()
    call_command("verification_pack_expire", stdout=out)
    pack.refresh_from_db()
    assert pack.status == P.EXPIRED and not pack.file and not storage.exists(name)
    assert "1 paket kedaluwarsa dihapus" in out.getvalue()

    second = start(demo.period, verifier)
    second.refresh_from_db()
    VerificationPack.objects.filter(pk=second.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    third = start(demo.period, verifier, scope="all")
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == P.EXPIRED and third.status == P.DONE


@override_settings(VERIFICATION_PACK_DAYS=2)
def test_the_number_of_days_is_a_setting(demo, approved, verifier, start):
    pack = start(demo.period, verifier)
    pack.refresh_from_db()
    assert pack.expires_at - pack.built_at == datetime.timedelta(days=2)
