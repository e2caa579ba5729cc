"""Verification packs as background jobs: request one, build it in the worker, expire old ones.

`pack_request` records the pack and hands its build to django-tasks after the commit, so the
request returns at once; the worker (`manage.py db_worker`) runs `pack_build`, which writes the
archive (exports/verification_pack.py) to a temporary file, saves it in the evidence storage
(private, like the evidence itself) and records how far it got as it goes. Two builds of the
same scope at once are refused (a row lock on the period, and a unique constraint behind it).
Expired packs lose their file at the start of every build and with `verification_pack_expire`.
"""

from __future__ import annotations

import datetime
import logging
import os
import tempfile

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.exports.verification_pack import Progress, pack_write
from indicators.models import Period, VerificationPack
from indicators.models.packs import pack_path
from indicators.selectors.packs import Filters, check_filters
from indicators.selectors.periods import NotFound

logger = logging.getLogger(__name__)
P = VerificationPack.Status
P_ACTIVE = VerificationPack.ACTIVE
# A running build reports after every file; one silent this long has lost its worker.
RUNNING_SILENT_AFTER = datetime.timedelta(minutes=30)
# A queued build that no worker took in this long never will: the worker is not running.
QUEUED_UNTAKEN_AFTER = datetime.timedelta(hours=12)


class PackRefused(Exception):
    """A pack that cannot be started; the message says why, in words for DP3AKB."""

    def __init__(self, message: str, pack: VerificationPack | None = None):
        super().__init__(message)
        self.pack = pack


def pack_request(*, period: Period, filters: Filters, actor) -> VerificationPack:
    """Record a pack of `period` and `filters` and queue its build; refuse a second build of
    the same scope while one is queued or running."""
    try:
        filters = check_filters(period, filters)
    except NotFound as exc:
        raise PackRefused(str(exc)) from None
    scope = {
        "period": period,
        "scope": filters.scope,
        "cluster": filters.cluster,
        "agency": filters.agency,
        "item": filters.item,
    }
    with transaction.atomic():
        # Two verifiers pressing the button at once: the second waits here, then sees the first.
        Period.objects.select_for_update().filter(pk=period.pk).first()
        packs_fail_stale()
        running = VerificationPack.objects.filter(**scope, status__in=P_ACTIVE).first()
        if running is not None:
            raise PackRefused(_already_running(running), running)
        try:
            with transaction.atomic():
                pack = VerificationPack.objects.create(**scope, started_by=actor)
        except IntegrityError:
            running = VerificationPack.objects.filter(**scope, status__in=P_ACTIVE).first()
            raise PackRefused(_already_running(running), running) from None
        transaction.on_commit(lambda: _enqueue(pack.pk))
    return pack


def _already_running(pack) -> str:
    if pack is None:
        return _("Paket dengan cakupan yang sama sedang dibuat; tunggu sampai selesai.")
    return _(
        "Paket dengan cakupan yang sama sudah dimulai (#%(id)s, %(state)s); tunggu sampai selesai."
    ) % {"id": pack.pk, "state": pack.get_status_display().lower()}


def _enqueue(pack_id: int) -> None:
    from indicators.tasks import verification_pack_build

    try:
        result = verification_pack_build.enqueue(pack_id)
    except Exception as exc:
        logger.exception("verification pack %s could not be queued", pack_id)
        _fail(pack_id, _("Pekerjaan latar tidak dapat diantrekan: %(e)s") % {"e": exc})
        return
    VerificationPack.objects.filter(pk=pack_id).update(task_id=str(result.id)[:64])


def _fail(pack_id: int, reason: str) -> None:
    VerificationPack.objects.filter(pk=pack_id).update(
        status=P.FAILED, error=reason, updated_at=timezone.now()
    )


def pack_build(*, pack_id: int) -> VerificationPack | None:
    """Build a queued pack (the worker's job); a failure is recorded on the pack with its cause."""
    packs_expire()
    with transaction.atomic():
        pack = (
            VerificationPack.objects.select_for_update()
            .filter(pk=pack_id, status=P.QUEUED)
            .select_related("period__region", "period__framework")
            .first()
        )
        if pack is None:
            return None  # gone, or already taken by another worker
        pack.status = P.RUNNING
        pack.save(update_fields=["status", "updated_at"])
    filters = Filters(pack.scope, pack.cluster, pack.agency, pack.item)
    try:
        with tempfile.TemporaryFile(suffix=".zip") as archive:
            result = pack_write(
                archive, period=pack.period, filters=filters, progress=_recorder(pack.pk)
            )
            size = os.fstat(archive.fileno()).st_size
            archive.seek(0)
            name = pack.file.storage.save(pack_path(pack, ""), File(archive))
    except Exception as exc:
        logger.exception("verification pack %s failed", pack.pk)
        _fail(pack.pk, _("Paket gagal dibuat: %(e)s") % {"e": f"{type(exc).__name__}: {exc}"})
        return VerificationPack.objects.get(pk=pack.pk)
    now = timezone.now()
    VerificationPack.objects.filter(pk=pack.pk).update(
        status=P.DONE,
        file=name,
        size=size,
        left_out=result.left_out,
        files_done=len({row.path for row in result.packed}) + len(result.left_out),
        built_at=now,
        expires_at=now + datetime.timedelta(days=settings.VERIFICATION_PACK_DAYS),
        updated_at=now,
    )
    return VerificationPack.objects.get(pk=pack.pk)


def _recorder(pack_id: int):
    """Progress saved on the pack after each file, and at each whole percent within one."""
    last = {"files": -1, "percent": -1}

    def record(state: Progress) -> None:
        percent = state.bytes_done * 100 // state.bytes_total if state.bytes_total else 0
        if state.files_done == last["files"] and percent == last["percent"]:
            return
        last.update(files=state.files_done, percent=percent)
        VerificationPack.objects.filter(pk=pack_id).update(
            files_total=state.files_total,
            files_done=state.files_done,
            bytes_total=state.bytes_total,
            bytes_done=state.bytes_done,
            updated_at=timezone.now(),
        )

    return record


def packs_fail_stale(now: datetime.datetime | None = None) -> int:
    """Mark builds whose worker went away as failed, so the scope can be built again."""
    now = now or timezone.now()
    silent = VerificationPack.objects.filter(
        status=P.RUNNING, updated_at__lt=now - RUNNING_SILENT_AFTER
    ).update(
        status=P.FAILED,
        error=_("Pembuatan berhenti tanpa kabar: pekerja latar terhenti. Mulai lagi."),
        updated_at=now,
    )
    untaken = VerificationPack.objects.filter(
        status=P.QUEUED, created_at__lt=now - QUEUED_UNTAKEN_AFTER
    ).update(
        status=P.FAILED,
        error=_("Tidak ada pekerja latar yang mengambil pekerjaan ini. Hubungi admin server."),
        updated_at=now,
    )
    return silent + untaken


def packs_expire(now: datetime.datetime | None = None) -> int:
    """Delete the files of packs past their expiry (their record stays, marked expired)."""
    now = now or timezone.now()
    expired = 0
    for pack in VerificationPack.objects.filter(status=P.DONE, expires_at__lte=now):
        if pack.file:
            try:
                pack.file.storage.delete(pack.file.name)
            except OSError:
                logger.exception("verification pack %s: file not deleted", pack.pk)
                continue
        VerificationPack.objects.filter(pk=pack.pk).update(
            status=P.EXPIRED, file="", updated_at=now
        )
        expired += 1
    return expired
