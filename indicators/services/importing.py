"""Bulk import of values (`import_values` and the admin import share this code).

A file is read into rows of text (a spreadsheet's number cells stay numbers, see
`indicators.answers`), every row is validated against the period's framework and
assignments, and only when no row is bad are the rows written, all in one transaction
(`indicators.import_changes` sorts them against what is stored and writes them).
Row numbers are spreadsheet rows: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clusters.models import Item
from indicators.answers import SpreadsheetNumber, clean_answer
from indicators.exports.cells import unneutralise
from indicators.models import Agency, Assignment, ImportConfirmation, Period, Submission
from indicators.services.import_changes import (
    CleanRow,
    ImportPlan,
    import_notify,
    import_plan,
    import_write,
)

logger = logging.getLogger("kla.import")

HEADER = ("agency", "item", "numerator", "denominator", "value", "note")
MAX_ROWS = 50_000
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # a larger workbook is refused before it is parsed
MAX_XLSX_CELLS = 1_000_000  # rows x header columns; 50,000 rows leave room for 20 columns
IMPORT_STATUSES = (Submission.Status.SUBMITTED, Submission.Status.APPROVED)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    message: str

    def __str__(self):
        if self.column:
            where = _("baris %(row)s, kolom %(column)s") % {"row": self.row, "column": self.column}
        else:
            where = _("baris %(row)s") % {"row": self.row}
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file cannot be imported; `errors` says every row and reason."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


# ---- reading ---------------------------------------------------------------------------------


def read_table(
    content: bytes, filename: str, header_names: tuple[str, ...] = HEADER
) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts of trimmed text keyed by the header's columns.

    The header must hold exactly `header_names` (any order); the register's import
    (facilities.importing) reads its own header through the same limits and checks.
    """
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx" or content[:4] == b"PK\x03\x04":
        table = _xlsx_rows(content)
    elif suffix in (".csv", ".txt", ""):
        table = _csv_rows(content)
    else:
        raise ImportRejected(
            [
                RowError(
                    1,
                    None,
                    _("berkas '%(suffix)s' tidak didukung: gunakan CSV atau XLSX")
                    % {"suffix": suffix},
                )
            ]
        )
    if not table:
        raise ImportRejected([RowError(1, None, _("berkas kosong: baris judul tidak ditemukan"))])
    header = [str(cell or "").strip().lower() for cell in table[0]]
    missing = [c for c in header_names if c not in header]
    extra = [c for c in header if c and c not in header_names]
    if missing or extra:
        parts = []
        if missing:
            parts.append(_("kolom hilang: %(columns)s") % {"columns": ", ".join(missing)})
        if extra:
            parts.append(_("kolom tidak dikenal: %(columns)s") % {"columns": ", ".join(extra)})
        message = _("%(problems)s (judul harus %(header)s)") % {
            "problems": "; ".join(parts),
            "header": ",".join(header_names),
        }
        raise ImportRejected([RowError(1, None, message)])
    if len(table) - 1 > MAX_ROWS:
        raise ImportRejected(
            [RowError(1, None, _("terlalu banyak baris (maksimal %(max)s)") % {"max": MAX_ROWS})]
        )

    rows = []
    for cells in table[1:]:
        cells = list(cells) + [""] * (len(header) - len(cells))
        rows.append({name: unneutralise(_text(cells[i])) for i, name in enumerate(header) if name})
    return rows


def records_table(records: list[dict]) -> list[dict[str, str]]:
    """Rows given as records (the API's JSON) as `read_table` gives a file's rows.

    The same columns, the same cell rules (a JSON number is a number already, like a
    spreadsheet's number cell; text follows `indicators.answers`), the same row limit. Row
    numbers stay spreadsheet rows: the first record is row 2.
    """
    if len(records) > MAX_ROWS:
        raise ImportRejected(
            [RowError(1, None, _("terlalu banyak baris (maksimal %(max)s)") % {"max": MAX_ROWS})]
        )
    extra = sorted({str(key) for record in records for key in record} - set(HEADER))
    if extra:
        message = _("kolom tidak dikenal: %(columns)s (kolom yang dikenal: %(header)s)") % {
            "columns": ", ".join(extra),
            "header": ",".join(HEADER),
        }
        raise ImportRejected([RowError(1, None, message)])
    return [{name: unneutralise(_text(record.get(name))) for name in HEADER} for record in records]


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, (int, float, Decimal)):
        # A number cell is a number already: the text rule (1.500 is 1500) must not reread it.
        return SpreadsheetNumber(cell)
    return str(cell).strip()


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(
            [
                RowError(
                    1, None, _("berkas CSV harus berenkode UTF-8 (simpan ulang sebagai CSV UTF-8)")
                )
            ]
        ) from None
    # The header alone chooses the delimiter: notes full of semicolons must not flip it.
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error:
        raise ImportRejected(
            [
                RowError(
                    max(reader.line_num, 1),
                    None,
                    _(
                        "baris CSV tidak dapat dibaca: tanda kutip tidak tertutup, baris baru di "
                        "tengah sel, atau sel lebih dari %(limit)s karakter"
                    )
                    % {"limit": csv.field_size_limit()},
                )
            ]
        ) from None


def _xlsx_rows(content: bytes) -> list[list]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportRejected([RowError(1, None, _("berkas XLSX rusak atau bukan XLSX"))]) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise ImportRejected(
            [
                RowError(
                    1, None, _("berkas XLSX terlalu besar setelah dibuka (kemungkinan zip bomb)")
                )
            ]
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise ImportRejected([RowError(1, None, _("berkas XLSX tidak dapat dibaca"))]) from None
    try:
        sheet = workbook.worksheets[0]
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        width = max((i + 1 for i, c in enumerate(header) if _text(c)), default=0)
        if not width:
            return []
        _check_sheet_size(sheet, width)
        # Only the header's columns: without max_col openpyxl pads every row to the width the
        # sheet declares, and a 5 KB file declaring A1:XFD50001 took 6 GB and a minute.
        rows = [list(header[:width])]
        for row in sheet.iter_rows(min_row=2, max_col=width, values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        while rows and not any(_text(c) for c in rows[-1]):
            rows.pop()
        return rows
    finally:
        workbook.close()


def _check_sheet_size(sheet, width: int) -> None:
    """Refuse a sheet whose rows x header columns would not fit in memory, before reading it."""
    # Reading stops after MAX_ROWS + 1 rows whatever the sheet declares (a sheet without a
    # dimension declares nothing), so the declared rows count only up to there.
    rows = min(sheet.max_row or MAX_ROWS + 1, MAX_ROWS + 1)
    if rows * width > MAX_XLSX_CELLS:
        raise ImportRejected(
            [
                RowError(
                    1,
                    None,
                    _(
                        "lembar kerja terlalu besar: %(rows)s baris x %(columns)s kolom "
                        "(maksimal %(max)s sel); hapus kolom kosong di kanan judul"
                    )
                    % {"rows": rows, "columns": width, "max": MAX_XLSX_CELLS},
                )
            ]
        )


# ---- validating ------------------------------------------------------------------------------


@dataclass
class _Known:
    """What rows are checked against: the region's agencies, the edition's items, assignments."""

    period: Period
    agencies: dict
    items: dict
    assigned: set
    seen: dict = field(default_factory=dict)  # (agency id, item id) -> first row with them

    @classmethod
    def of(cls, period: Period) -> _Known:
        return cls(
            period,
            {a.code.upper(): a for a in Agency.objects.filter(region=period.region)},
            {
                i.code.upper(): i
                for i in Item.objects.filter(indicator__cluster__framework=period.framework)
            },
            set(
                Assignment.objects.filter(agency__region=period.region).values_list(
                    "agency_id", "item_id"
                )
            ),
        )


def validate_rows(
    rows: list[dict[str, str]], *, period: Period
) -> tuple[list[CleanRow], list[RowError]]:
    """Check every row against the period's framework and assignments; nothing is written."""
    known = _Known.of(period)
    clean, errors = [], []
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        # PostgreSQL cannot store NUL in text, and no real value or note carries one.
        row_errors = [
            RowError(number, column, _("berisi karakter NUL (berkas rusak?)"))
            for column, value in row.items()
            if "\x00" in value
        ]
        if row_errors:
            errors.extend(row_errors)
            continue
        agency, item, row_errors = _row_codes(number, row, known)
        if item is not None:
            cleaned, answer_errors = clean_answer(item, row)
            row_errors += [RowError(number, e.column, e.message) for e in answer_errors]
            if not row_errors:
                clean.append(
                    CleanRow(number, agency, item, narrative=row.get("note", ""), **cleaned)
                )
        errors.extend(row_errors)
    return clean, errors


def _row_codes(number: int, row: dict, known: _Known) -> tuple[Agency | None, Item | None, list]:
    """The row's agency and item by code, and what is wrong with them or their pairing."""
    errors = []
    agency = known.agencies.get(row.get("agency", "").upper())
    item = known.items.get(row.get("item", "").upper())
    if not row.get("agency"):
        errors.append(RowError(number, "agency", _("kode OPD kosong")))
    elif agency is None:
        message = _("OPD '%(code)s' tidak dikenal di wilayah ini") % {"code": row["agency"]}
        errors.append(RowError(number, "agency", message))
    if not row.get("item"):
        errors.append(RowError(number, "item", _("kode butir kosong")))
    elif item is None:
        message = _("butir '%(code)s' tidak ada di %(framework)s") % {
            "code": row["item"],
            "framework": known.period.framework,
        }
        errors.append(RowError(number, "item", message))
    if agency and item:
        key = (agency.pk, item.pk)
        names = {"agency": agency.code, "item": item.code}
        if key not in known.assigned:
            message = _("%(agency)s tidak ditugaskan mengisi %(item)s") % names
            errors.append(RowError(number, "agency", message))
        if key in known.seen:
            message = _("%(agency)s %(item)s sudah ada di baris %(row)s") % {
                **names,
                "row": known.seen[key],
            }
            errors.append(RowError(number, "item", message))
        known.seen.setdefault(key, number)
    return agency, item, errors


# ---- planning and writing --------------------------------------------------------------------


class ApprovedWouldChange(ImportRejected):
    """The file changes approved submissions and the importer did not choose to replace them."""

    def __init__(self, errors: list[RowError], plan: ImportPlan):
        self.plan = plan
        super().__init__(errors)


class StalePreview(ImportRejected):
    """What the preview showed is no longer what is stored, or it was confirmed already."""


def _check_seen(plan: ImportPlan, seen: dict[str, list[int] | None]) -> None:
    """Refuse when any submission the preview saw has changed (or appeared) since."""
    now = plan.versions()
    rows = sorted(plan.written + [row for row, _ in plan.unchanged], key=lambda row: row.row)
    stale = [row for row in rows if seen.get(row.signed_key, -1) != now[row.signed_key]]
    if stale or set(seen) != set(now):
        errors = [
            RowError(
                1,
                None,
                _(
                    "data berubah sejak pratinjau (diubah orang lain atau impor lain): tidak ada "
                    "yang diimpor; unggah ulang berkas untuk pratinjau baru"
                ),
            )
        ]
        errors += [
            RowError(
                row.row,
                None,
                _("isian %(agency)s %(item)s berubah sejak pratinjau")
                % {"agency": row.agency.code, "item": row.item.code},
            )
            for row in stale
        ]
        raise StalePreview(errors)


def _refuse_approved(plan: ImportPlan) -> None:
    errors = [
        RowError(
            row.row,
            None,
            _("isian %(agency)s %(item)s sudah disetujui dan akan berubah: %(old)s → %(new)s")
            % {
                "agency": row.agency.code,
                "item": row.item.code,
                "old": current.answer_display(),
                "new": row.as_submission().answer_display(),
            },
        )
        for row, current in sorted(plan.approved_changed, key=lambda pair: pair[0].row)
    ]
    raise ApprovedWouldChange(errors, plan)


def confirmation_use(model, token: str, *, actor, **scope) -> None:
    """Spend a preview's single-use token (`model` stores it with a unique index; `scope` is
    its period or region), or refuse: the imports of values and of the register share it.

    Inside the import's transaction: a refused or failed import leaves the token usable, and
    a second worker confirming the same token waits on the unique index, then is refused."""
    try:
        with transaction.atomic():
            model.objects.create(token=token, actor=actor, **scope)
    except IntegrityError:
        raise StalePreview(
            [
                RowError(
                    1,
                    None,
                    _(
                        "pratinjau ini sudah dikonfirmasi dan diimpor; unggah ulang berkas "
                        "untuk impor baru"
                    ),
                )
            ]
        ) from None


def values_import(
    *,
    content: bytes | None = None,
    filename: str,
    records: list[dict] | None = None,
    period: Period,
    status: str,
    actor=None,
    dry_run: bool = False,
    replace_approved: bool = False,
    seen: dict[str, list[int] | None] | None = None,
    confirmation: str | None = None,
    evidence_rule: bool = True,
) -> ImportPlan:
    """Read, validate and (unless dry_run) write a value file, all or nothing.

    The rows come from the file's `content`, or from `records` (the API's JSON rows, see
    `records_table`); `filename` names the source in the log either way.

    Changing approved submissions needs `replace_approved`. The admin's confirm step passes
    the versions its preview saw (`seen`) and the preview's single-use `confirmation` id.
    Under the `evidence_rule` a row asked to be approved whose item needs evidence it lacks
    is imported as submitted; `import_values` turns it off (see its help).
    """
    try:
        plan = _import(
            content=content,
            filename=filename,
            records=records,
            period=period,
            status=status,
            actor=actor,
            dry_run=dry_run,
            replace_approved=replace_approved,
            seen=seen,
            confirmation=confirmation,
            evidence_rule=evidence_rule,
        )
    except ImportRejected as exc:
        logger.warning(
            "import rejected period=%s file=%s errors=%s",
            period.pk,
            filename,
            len(exc.errors),
            extra={
                "event": "import",
                "outcome": "rejected",
                "period": period.pk,
                "file": filename,
                "errors": len(exc.errors),
                "actor": getattr(actor, "username", None),
            },
        )
        raise
    _log_done(plan, filename=filename, actor=actor, dry_run=dry_run)
    return plan


def _log_done(plan: ImportPlan, *, filename: str, actor, dry_run: bool) -> None:
    logger.info(
        "import %s period=%s file=%s rows=%s new=%s changed=%s unchanged=%s",
        "checked" if dry_run else "written",
        plan.period.pk,
        filename,
        plan.total,
        len(plan.new),
        len(plan.changed),
        len(plan.unchanged),
        extra={
            "event": "import",
            "outcome": "dry_run" if dry_run else "written",
            "period": plan.period.pk,
            "file": filename,
            "rows": plan.total,
            "new": len(plan.new),
            "changed": len(plan.changed),
            "unchanged": len(plan.unchanged),
            "approved_changed": len(plan.approved_changed),
            "held": len(plan.held),
            "lacking_evidence": len(plan.lacking_evidence),
            "verified_lost": float(plan.verified_lost),
            "status": plan.status,
            "actor": getattr(actor, "username", None),
        },
    )


def _import(
    *,
    content,
    filename,
    records,
    period,
    status,
    actor,
    dry_run,
    replace_approved,
    seen,
    confirmation,
    evidence_rule,
) -> ImportPlan:
    if status not in IMPORT_STATUSES:
        raise ImportRejected(
            [RowError(1, None, _("status '%(status)s' tidak boleh diimpor") % {"status": status})]
        )
    if period.locked:
        raise ImportRejected(
            [RowError(1, None, _("periode %(year)s terkunci") % {"year": period.year})]
        )
    rows = records_table(records) if records is not None else read_table(content, filename)
    clean, errors = validate_rows(rows, period=period)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        # Lock the period's row so two imports into one period run one after the other, and
        # the submissions' rows so no operator or reviewer changes one between check and write.
        Period.objects.select_for_update().filter(pk=period.pk).first()
        if confirmation is not None:
            confirmation_use(ImportConfirmation, confirmation, period=period, actor=actor)
        plan = import_plan(
            clean, period=period, status=status, evidence_rule=evidence_rule, lock=True
        )
        if seen is not None:
            _check_seen(plan, seen)
        if dry_run:
            return plan
        if plan.approved_changed and not replace_approved:
            _refuse_approved(plan)
        try:
            events = import_write(plan, actor=actor)
        except IntegrityError:  # an operator created one of the new rows meanwhile
            raise StalePreview(
                [RowError(1, None, _("data berubah selama impor: ulangi impor"))]
            ) from None
        transaction.on_commit(lambda: import_notify(period, events))
    return plan
