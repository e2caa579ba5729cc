"""The coverage page as an XLSX workbook: kecamatan, kelurahan, targets, what lapses soon.

Every text cell passes through `indicators.exports.cells.sheet_cell` (formula neutralising):
place names are typed by agencies.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from indicators.exports.workbook import sheet_write


def coverage_xlsx(data) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    types = [code for code, _name in data.types]
    standards = [code for code, _name in data.standards]
    header = [_("Kecamatan"), *types, *standards, _("Kedaluwarsa segera"), _("Kekurangan target")]
    sheet_write(
        workbook,
        _("Kecamatan"),
        header,
        [
            [
                k.name,
                *k.type_cells,
                *(held for held, _soon in k.standard_cells),
                sum(k.expiring.values()),
                "; ".join(str(g) for g in k.gaps),
            ]
            for k in data.kecamatan
        ],
    )
    sheet_write(
        workbook,
        _("Kelurahan"),
        [_("Kecamatan"), _("Kelurahan"), *header[1:]],
        [
            [
                k.name,
                child.name,
                *child.type_cells,
                *(held for held, _soon in child.standard_cells),
                sum(child.expiring.values()),
                "; ".join(str(g) for g in child.gaps),
            ]
            for k in data.kecamatan
            for child in k.kelurahan
        ],
    )
    sheet_write(
        workbook,
        _("Target"),
        [_("Target"), _("Terpenuhi"), _("Dari"), _("Kekurangan")],
        [[str(t.label), met, of, missing] for t, met, of, missing in data.targets],
    )
    sheet_write(
        workbook,
        _("Kedaluwarsa segera"),
        [_("Tempat"), _("Kelurahan"), _("Standar"), _("Berlaku sampai")],
        [[name, area, standard, until] for name, area, standard, until in data.expiring],
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
