"""The dashboard as an XLSX workbook: one sheet per table, formulas neutralised."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter as a

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from indicators.exports.workbook import POINTS_FORMAT, sheet_write, workbook_bytes
from indicators.selectors.dashboard import Dashboard

__all__ = ["POINTS_FORMAT", "dashboard_xlsx"]
NOTE = gettext_lazy(
    "Bobot adalah bawaan portal (dapat diubah di admin); kategori adalah perkiraan tidak resmi."
)


def _sheet(workbook, title, header, rows):
    # One writer for every workbook: bold frozen header, number formats, useful widths.
    return sheet_write(workbook, title, header, rows)


def _statuses(entries) -> str:
    return "; ".join(f"{e.agency}: {e.status_label}" for e in entries)


BASIS_LABELS = {
    "verified": gettext_lazy("Terverifikasi (disetujui)"),
    "self": gettext_lazy("Mandiri (diajukan)"),
    "ready": gettext_lazy("Siap verifikasi (dokumen lengkap)"),
}

# Each table sheet: its title, the rows it lists, and its columns as (header, value of a row).
Table = tuple[Promise, Callable[[Dashboard], list], list[tuple[Promise, Callable]]]
TABLES: list[Table] = [
    (
        gettext_lazy("Klaster"),
        a("clusters"),
        [
            (gettext_lazy("Kode"), a("code")),
            (gettext_lazy("Klaster"), a("label")),
            (gettext_lazy("Terverifikasi"), a("verified")),
            (gettext_lazy("Mandiri"), a("self_points")),
            (gettext_lazy("Maksimal"), a("max_points")),
        ],
    ),
    (
        gettext_lazy("Indikator"),
        a("indicators"),
        [
            (gettext_lazy("Kode"), a("code")),
            (gettext_lazy("Indikator"), a("label")),
            (gettext_lazy("Terverifikasi"), a("verified")),
            (gettext_lazy("Mandiri"), a("self_points")),
            (gettext_lazy("Maksimal"), a("max_points")),
            (
                gettext_lazy("Status isian"),
                lambda i: ", ".join(f"{lbl} {n}" for _s, lbl, n in i.status_mix),
            ),
        ],
    ),
    (
        gettext_lazy("Butir"),
        lambda data: [(i, item) for i in data.indicators for item in i.items],
        [
            (gettext_lazy("Indikator"), lambda row: row[0].code),
            (gettext_lazy("Butir"), lambda row: row[1].code),
            (gettext_lazy("Pertanyaan"), lambda row: row[1].label),
            (gettext_lazy("Nilai terverifikasi"), lambda row: row[1].verified_value),
            (gettext_lazy("Fraksi terverifikasi"), lambda row: row[1].verified_fraction),
            (gettext_lazy("Nilai mandiri"), lambda row: row[1].self_value),
            (gettext_lazy("Fraksi mandiri"), lambda row: row[1].self_fraction),
            (gettext_lazy("OPD dan status"), lambda row: _statuses(row[1].entries)),
        ],
    ),
    (
        gettext_lazy("Kesiapan"),
        lambda data: data.readiness_steps.items if data.readiness_steps else [],
        [
            (gettext_lazy("Butir"), a("code")),
            (gettext_lazy("Pertanyaan"), a("label")),
            (gettext_lazy("Fraksi mandiri"), a("self_fraction")),
            (gettext_lazy("Fraksi terverifikasi"), a("verified_fraction")),
            (gettext_lazy("Fraksi siap"), a("ready_fraction")),
            (gettext_lazy("Sebab"), lambda row: "; ".join(str(r) for r in row.reasons)),
        ],
    ),
    (
        gettext_lazy("Rencana"),
        a("plan_rows"),
        [
            (gettext_lazy("Urutan"), a("rank")),
            (gettext_lazy("Butir"), a("code")),
            (gettext_lazy("Pertanyaan"), a("label")),
            (gettext_lazy("Indikator"), a("indicator")),
            (gettext_lazy("Tambahan poin"), a("gain")),
            (gettext_lazy("Capaian saat ini"), a("fraction")),
            (
                gettext_lazy("Cukup untuk kategori berikutnya"),
                lambda r: _("ya") if r.in_steps else "",
            ),
            (gettext_lazy("OPD dan status"), lambda r: _statuses(r.entries)),
        ],
    ),
    (
        gettext_lazy("OPD"),
        a("agencies"),
        [
            (gettext_lazy("Kode"), a("code")),
            (gettext_lazy("OPD"), a("name")),
            (gettext_lazy("Ditugaskan"), a("assigned")),
            (gettext_lazy("Belum diisi"), a("not_started")),
            (gettext_lazy("Draf"), a("draft")),
            (gettext_lazy("Diajukan"), a("submitted")),
            (gettext_lazy("Dikembalikan"), a("returned")),
            (gettext_lazy("Disetujui"), a("approved")),
            (gettext_lazy("Tanpa data dukung"), a("evidence_missing")),
            (gettext_lazy("Hari menuju batas"), a("days_left")),
        ],
    ),
    (
        gettext_lazy("Riwayat"),
        a("history"),
        [
            (gettext_lazy("Tahun"), a("year")),
            (gettext_lazy("Perkiraan portal (terverifikasi)"), a("forecast")),
            (gettext_lazy("Kategori perkiraan"), lambda h: h.forecast_category or ""),
            (gettext_lazy("Penilaian mandiri"), a("self_assessment")),
            (gettext_lazy("Verifikasi administrasi"), a("administrative_verification")),
            (gettext_lazy("Nilai akhir"), a("final_score")),
            (gettext_lazy("Kategori resmi"), a("category")),
            (gettext_lazy("Selisih akhir - perkiraan"), a("difference")),
        ],
    ),
]


def _summary(workbook, data: Dashboard) -> None:
    """The first sheet: both headlines, the points at risk, where and when."""
    rows = [
        [BASIS_LABELS[h.basis], h.total, h.category or "", h.next_category or "", h.points_to_next]
        for h in (data.verified, data.self_assessed, data.ready)
        if h is not None
    ]
    rows += [
        [],
        [_("Berisiko saat verifikasi"), data.at_risk],
        [_("Wilayah"), data.period.region.name],
        [_("Periode"), data.period.year],
        [NOTE],
    ]
    header = [
        _("Basis"),
        _("Total"),
        _("Kategori"),
        _("Kategori berikutnya"),
        _("Poin menuju berikutnya"),
    ]
    _sheet(workbook, _("Ringkasan"), header, rows)


def dashboard_xlsx(data: Dashboard) -> bytes:
    """Every table of the dashboard, one sheet each, in the reader's language, as XLSX bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _summary(workbook, data)
    for title, rows, columns in TABLES:
        header = [label for label, _value in columns]
        _sheet(
            workbook,
            str(title),
            header,
            [[value(row) for _label, value in columns] for row in rows(data)],
        )
    return workbook_bytes(workbook)
