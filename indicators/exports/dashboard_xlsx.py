"""The dashboard as an XLSX workbook: one sheet per table, formulas neutralised."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.selectors.dashboard import Dashboard

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
POINTS_FORMAT = "#,##0.00"
NOTE = gettext_lazy(
    "Bobot adalah bawaan portal (dapat diubah di admin); kategori adalah perkiraan tidak resmi."
)


def safe_cell(value):
    """Numbers stay numbers; text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _sheet(workbook, title, header, rows):
    sheet = workbook.create_sheet(title)
    sheet.append([safe_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=False):
            if isinstance(value, Decimal | float):
                # A number cell with a format: the reader's spreadsheet shows 1.234,50 or 1,234.50.
                cell.number_format = POINTS_FORMAT
    sheet.freeze_panes = "A2"
    return sheet


def _statuses(entries) -> str:
    return "; ".join(f"{e.agency}: {e.status_label}" for e in entries)


def dashboard_xlsx(data: Dashboard) -> bytes:
    """Every table of the dashboard, one sheet each, in the reader's language, as XLSX bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    period = data.period
    _sheet(
        workbook,
        _("Ringkasan"),
        [
            _("Basis"),
            _("Total"),
            _("Kategori"),
            _("Kategori berikutnya"),
            _("Poin menuju berikutnya"),
        ],
        [
            [
                _("Terverifikasi (disetujui)")
                if h.basis == "verified"
                else _("Mandiri (diajukan)"),
                h.total,
                h.category or "",
                h.next_category or "",
                h.points_to_next,
            ]
            for h in (data.verified, data.self_assessed)
        ]
        + [
            [],
            [_("Berisiko saat verifikasi"), data.at_risk],
            [_("Wilayah"), period.region.name],
            [_("Periode"), period.year],
            [NOTE],
        ],
    )
    _sheet(
        workbook,
        _("Klaster"),
        [_("Kode"), _("Klaster"), _("Terverifikasi"), _("Mandiri"), _("Maksimal")],
        [[c.code, c.label, c.verified, c.self_points, c.max_points] for c in data.clusters],
    )
    _sheet(
        workbook,
        _("Indikator"),
        [
            _("Kode"),
            _("Indikator"),
            _("Terverifikasi"),
            _("Mandiri"),
            _("Maksimal"),
            _("Status isian"),
        ],
        [
            [
                i.code,
                i.label,
                i.verified,
                i.self_points,
                i.max_points,
                ", ".join(f"{label} {n}" for _status, label, n in i.status_mix),
            ]
            for i in data.indicators
        ],
    )
    _sheet(
        workbook,
        _("Butir"),
        [
            _("Indikator"),
            _("Butir"),
            _("Pertanyaan"),
            _("Nilai terverifikasi"),
            _("Fraksi terverifikasi"),
            _("Nilai mandiri"),
            _("Fraksi mandiri"),
            _("OPD dan status"),
        ],
        [
            [
                i.code,
                item.code,
                item.label,
                item.verified_value,
                item.verified_fraction,
                item.self_value,
                item.self_fraction,
                _statuses(item.entries),
            ]
            for i in data.indicators
            for item in i.items
        ],
    )
    _sheet(
        workbook,
        _("Rencana"),
        [
            _("Urutan"),
            _("Butir"),
            _("Pertanyaan"),
            _("Indikator"),
            _("Tambahan poin"),
            _("Fraksi kini"),
            _("Cukup untuk kategori berikutnya"),
            _("OPD dan status"),
        ],
        [
            [
                row.rank,
                row.code,
                row.label,
                row.indicator,
                row.gain,
                row.fraction,
                _("ya") if row.in_steps else "",
                _statuses(row.entries),
            ]
            for row in data.plan_rows
        ],
    )
    _sheet(
        workbook,
        _("OPD"),
        [
            _("Kode"),
            _("OPD"),
            _("Ditugaskan"),
            _("Belum diisi"),
            _("Draf"),
            _("Diajukan"),
            _("Dikembalikan"),
            _("Disetujui"),
            _("Tanpa data dukung"),
            _("Hari menuju batas"),
        ],
        [
            [
                a.code,
                a.name,
                a.assigned,
                a.not_started,
                a.draft,
                a.submitted,
                a.returned,
                a.approved,
                a.evidence_missing,
                a.days_left,
            ]
            for a in data.agencies
        ],
    )
    _sheet(
        workbook,
        _("Riwayat"),
        [
            _("Tahun"),
            _("Perkiraan portal (terverifikasi)"),
            _("Kategori perkiraan"),
            _("Penilaian mandiri"),
            _("Verifikasi administrasi"),
            _("Nilai akhir"),
            _("Kategori resmi"),
            _("Selisih akhir - perkiraan"),
        ],
        [
            [
                h.year,
                h.forecast,
                h.forecast_category or "",
                h.self_assessment,
                h.administrative_verification,
                h.final_score,
                h.category,
                h.difference,
            ]
            for h in data.history
        ],
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
