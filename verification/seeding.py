"""The demo city's last year through the ministry's stages: dates, a field-verification score,
the forecast frozen at self-assessment, and a few findings the agencies answered."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from clusters.models import Item
from indicators.models import OfficialResult
from verification.models import Finding, FindingEvent, FindingResponse, Stage, StageKind
from verification.services.stages import forecast_freeze

F = Finding.Status


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def demo_stages(previous, agencies: dict, admin) -> None:
    """Stages and findings of the locked previous year; nothing when it already has stages."""
    if Stage.objects.filter(period=previous).exists():
        return
    year = previous.year
    sent = previous.closes_on
    plan = [
        (StageKind.SELF, sent, None, "Dikirim ke aplikasi penilaian KLA kementerian."),
        (StageKind.VA, datetime.date(year, 7, 14), datetime.date(year, 7, 16),
         "Verifikasi administrasi oleh DP3AP2KB provinsi."),
        (StageKind.VL, datetime.date(year, 8, 5), datetime.date(year, 8, 6),
         "Hibrida: paparan, sesi dengan Forum Anak, video langsung dari 11 lokasi."),
        (StageKind.VF, datetime.date(year, 8, 27), None, ""),
        (StageKind.DECREE, datetime.date(year, 9, 20), None, "Kategori Utama."),
    ]  # fmt: skip
    for kind, held_on, ends_on, outcome in plan:
        Stage.objects.create(
            period=previous, kind=kind, held_on=held_on, ends_on=ends_on, outcome=outcome
        )
    OfficialResult.objects.filter(period=previous, field_verification__isnull=True).update(
        field_verification=Decimal("850.10")
    )
    forecast_freeze(previous, as_of=sent)
    items = {
        i.code: i for i in Item.objects.filter(indicator__cluster__framework=previous.framework)
    }
    notes = [
        (StageKind.VA, "III.12.a", ["DINKES"], F.CLOSED,
         "SK pembentukan belum ditandatangani; unggah SK yang berlaku."),
        (StageKind.VL, "IV.19.a", ["DISDIK", "KEMENAG"], F.CLOSED,
         "Foto kegiatan tidak menunjukkan tanggal; lengkapi laporan kegiatan."),
        (StageKind.VL, "III.13.a", ["DINKES"], F.ANSWERED,
         "Data cakupan imunisasi berbeda dengan laporan dinas; jelaskan sumber data."),
    ]  # fmt: skip
    for stage, code, agency_codes, status, text in notes:
        item = items.get(code) or next(iter(items.values()))
        start = _at(
            datetime.date(year, 7, 16) if stage == StageKind.VA else datetime.date(year, 8, 6)
        )
        finding = Finding.objects.create(
            period=previous,
            stage=stage,
            item=item,
            text=text,
            due_at=start + datetime.timedelta(hours=48),
            status=status,
            version=3 if status == F.CLOSED else 2,
            created_by=admin,
            created_at=start,
            closed_by=admin if status == F.CLOSED else None,
            closed_at=start + datetime.timedelta(hours=40) if status == F.CLOSED else None,
        )
        chosen = [agencies[c] for c in agency_codes if c in agencies]
        finding.agencies.set(chosen)
        FindingEvent.objects.create(
            finding=finding, to_status=F.OPEN, actor=admin, created_at=start
        )
        answered = start + datetime.timedelta(hours=20)
        for agency in chosen:
            FindingResponse.objects.create(
                finding=finding,
                agency=agency,
                note="Sudah dilengkapi; dokumen terbaru diunggah ke isian butir.",
                created_at=answered,
            )
        FindingEvent.objects.create(
            finding=finding, from_status=F.OPEN, to_status=F.ANSWERED, created_at=answered
        )
        if status == F.CLOSED:
            FindingEvent.objects.create(
                finding=finding,
                from_status=F.ANSWERED,
                to_status=F.CLOSED,
                actor=admin,
                created_at=finding.closed_at,
            )
