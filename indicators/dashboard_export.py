"""The dashboard as an XLSX workbook: one sheet per table, formulas neutralised."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.dashboard import Dashboard

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOTE = "Bobot adalah bawaan portal (dapat diubah di admin); kategori adalah perkiraan tidak resmi."


def safe_cell(value):
    """Numbers stay numbers; text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, Decimal):
        return float(value)
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
    sheet.freeze_panes = "A2"
    return sheet


def _statuses(entries) -> str:
    return "; ".join(f"{e.agency}: {e.status_label}" for e in entries)


def dashboard_xlsx(data: Dashboard) -> bytes:
    """Every table of the dashboard, one sheet each, as XLSX bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    period = data.period
    _sheet(
        workbook,
        "Ringkasan",
        ["Basis", "Total", "Kategori", "Kategori berikutnya", "Poin menuju berikutnya"],
        [
            [
                "Terverifikasi (disetujui)" if h.basis == "verified" else "Mandiri (diajukan)",
                h.total,
                h.category or "",
                h.next_category or "",
                h.points_to_next,
            ]
            for h in (data.verified, data.self_assessed)
        ]
        + [
            [],
            ["Berisiko saat verifikasi", data.at_risk],
            ["Wilayah", period.region.name],
            ["Periode", period.year],
            [NOTE],
        ],
    )
    _sheet(
        workbook,
        "Klaster",
        ["Kode", "Klaster", "Terverifikasi", "Mandiri", "Maksimal"],
        [[c.code, c.name, c.verified, c.self_points, c.max_points] for c in data.clusters],
    )
    _sheet(
        workbook,
        "Indikator",
        ["Kode", "Indikator", "Terverifikasi", "Mandiri", "Maksimal", "Status isian"],
        [
            [
                i.code,
                i.name,
                i.verified,
                i.self_points,
                i.max_points,
                ", ".join(f"{label} {n}" for _, label, n in i.status_mix),
            ]
            for i in data.indicators
        ],
    )
    _sheet(
        workbook,
        "Butir",
        [
            "Indikator",
            "Butir",
            "Pertanyaan",
            "Nilai terverifikasi",
            "Fraksi terverifikasi",
            "Nilai mandiri",
            "Fraksi mandiri",
            "OPD dan status",
        ],
        [
            [
                i.code,
                item.code,
                item.name,
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
        "Rencana",
        [
            "Urutan",
            "Butir",
            "Pertanyaan",
            "Indikator",
            "Tambahan poin",
            "Fraksi kini",
            "Cukup untuk kategori berikutnya",
            "OPD dan status",
        ],
        [
            [
                row.rank,
                row.code,
                row.name,
                row.indicator,
                row.gain,
                row.fraction,
                "ya" if row.in_steps else "",
                _statuses(row.entries),
            ]
            for row in data.plan_rows
        ],
    )
    _sheet(
        workbook,
        "OPD",
        [
            "Kode",
            "OPD",
            "Ditugaskan",
            "Belum diisi",
            "Draf",
            "Diajukan",
            "Dikembalikan",
            "Disetujui",
            "Tanpa data dukung",
            "Hari menuju batas",
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
        "Riwayat",
        [
            "Tahun",
            "Perkiraan portal (terverifikasi)",
            "Kategori perkiraan",
            "Penilaian mandiri",
            "Verifikasi administrasi",
            "Nilai akhir",
            "Kategori resmi",
            "Selisih akhir - perkiraan",
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
