"""XLSX sheets as people read them: a bold frozen header, number formats, useful widths.

Every exported workbook (the admin's exports, the recap, the dashboard) is written here; every
cell still passes through `cells.sheet_cell`, the one formula neutraliser.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import tablib
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from indicators.exports.cells import sheet_cell, sheet_value

POINTS_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.##"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
MIN_WIDTH, MAX_WIDTH = 8, 60
SHEET_TITLE_MAX = 31  # Excel's limit on a sheet's name


def sheet_write(workbook: Workbook, title: str, header, rows, formats=None, neutralised=False):
    """A sheet of `rows` under `header`; `formats` gives a column's number format by header.

    Numbers stay numbers (with a format: the reader's spreadsheet shows 1.234,50 or
    1,234.50), datetimes are local and plain, text is neutralised (once: `neutralised` rows
    have been already, by their resource).
    """
    formats = formats or {}
    cell_of = sheet_value if neutralised else sheet_cell
    sheet = workbook.create_sheet(str(title)[:SHEET_TITLE_MAX])
    header = [str(h) for h in header]
    sheet.append([sheet_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(h) for h in header]
    for row in rows:
        row = [_plain(v) for v in row]
        sheet.append([cell_of(v) for v in row])
        for index, (cell, value) in enumerate(zip(sheet[sheet.max_row], row, strict=False)):
            name = header[index] if index < len(header) else ""
            if isinstance(value, bool):
                pass
            elif isinstance(value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, Decimal | float):
                cell.number_format = formats.get(name, POINTS_FORMAT)
            elif isinstance(value, int):
                cell.number_format = formats.get(name, INTEGER_FORMAT)
            if index < len(widths):
                widths[index] = max(widths[index], _width(value))
            else:
                widths.append(_width(value))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, width + 2)
        )
    sheet.freeze_panes = "A2"
    return sheet


def _plain(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # Spreadsheets have no time zones: the portal's local time (WITA), as every page shows.
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    return value


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, Decimal | float):
        return len(f"{value:,.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def dataset_xlsx(data: tablib.Dataset, formats=None) -> bytes:
    """A dataset already neutralised (a resource's export, the recap) as a one-sheet workbook
    named by its title."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet_write(
        workbook, data.title or "Data", data.headers or [], list(data), formats, neutralised=True
    )
    return workbook_bytes(workbook)


def workbook_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
