"""The downloadable import template: the header `importing` expects, and how to fill it in.

The first sheet is what the importer reads (only the header, so an untouched template imports
nothing); the second explains the columns and lists the item and agency codes. Every cell goes
through the one neutraliser (`workbook.sheet_write`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from clusters.models import Framework, Item
from clusters.selectors import framework_items
from indicators.answers import NO, USED, YES
from indicators.exports.workbook import sheet_write, workbook_bytes
from indicators.services.importing import HEADER


def import_template(framework: Framework | None, agencies) -> bytes:
    """An XLSX workbook: sheet 1 the import header, sheet 2 the rules and codes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet_write(workbook, _("Nilai"), HEADER, [])
    rows = [
        [_("Kolom"), _("Isi")],
        ["agency", _("Kode OPD (daftar di bawah).")],
        ["item", _("Kode butir (daftar di bawah).")],
        ["numerator", _("Pembilang, hanya untuk butir persentase.")],
        ["denominator", _("Penyebut, hanya untuk butir persentase; lebih dari 0.")],
        [
            "value",
            _("Ya/tidak: %(yes)s atau %(no)s. Jumlah: bilangan bulat, 0 atau lebih.")
            % {"yes": ", ".join(sorted(YES)), "no": ", ".join(sorted(NO))},
        ],
        ["note", _("Keterangan untuk verifikator (boleh kosong).")],
        [],
        [
            _("Angka"),
            _(
                "Bentuk Indonesia 1.500 (seribu lima ratus), 1.500,25, 12,5 atau bentuk polos "
                "1500, 12.5; paling banyak 2 desimal, tidak negatif. 1,500 dan 1,234.5 ditolak "
                "karena bermakna ganda. Sel angka di XLSX dibaca sebagai angka."
            ),
        ],
        [
            _("Baris"),
            _(
                "Satu baris per OPD dan butir. Baris yang jawaban dan keterangannya sama dengan "
                "yang tersimpan tidak mengubah apa pun. Semua atau tidak sama sekali: bila ada "
                "baris yang salah, tidak ada yang diimpor dan setiap kesalahan disebutkan."
            ),
        ],
        [
            _("Isian disetujui"),
            _(
                "Baris yang mengubah isian yang sudah disetujui ditampilkan di pratinjau dan "
                "baru diimpor bila Anda mencentang penggantiannya; isian itu lalu harus "
                "ditinjau ulang dan OPD-nya diberi tahu."
            ),
        ],
        [
            _("Status"),
            _(
                "Dipilih di halaman impor: Diajukan, atau Disetujui (butir wajib data dukung "
                "tanpa berkas tetap Diajukan)."
            ),
        ],
        [],
        [_("Kode butir"), _("Jenis"), _("Kolom yang diisi"), _("Pertanyaan")],
    ]
    if framework is not None:
        for item in framework_items(framework):
            used = [c for c in HEADER if c in USED[Item.Kind(item.kind)]]
            rows.append([item.code, item.get_kind_display(), ", ".join(used), item.label])
    rows += [[], [_("Kode OPD"), _("Nama OPD")]]
    rows += [[agency.code, agency.name] for agency in agencies]
    sheet_write(workbook, _("Petunjuk"), rows[0], rows[1:])
    return workbook_bytes(workbook)
