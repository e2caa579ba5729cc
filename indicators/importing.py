"""Bulk import of values (`import_values` and the admin import share this code).

A file is read into rows of text (a spreadsheet's number cells stay numbers, see
`indicators.answers`), every row is validated against the period's framework and
assignments, and only when no row is bad are the rows written, all in one transaction.
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

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clusters.models import Item
from indicators.answers import SpreadsheetNumber, clean_answer
from indicators.models import Agency, Assignment, Period, ReviewEvent, Submission
from indicators.score_cache import score_cache_invalidate

logger = logging.getLogger("kla.import")

HEADER = ("agency", "item", "numerator", "denominator", "value", "note")
MAX_ROWS = 50_000
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # a larger workbook is refused before it is parsed
IMPORT_STATUSES = (Submission.Status.SUBMITTED, Submission.Status.APPROVED)
ANSWER_FIELDS = ("answer_yes", "numerator", "denominator", "count", "narrative")


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


@dataclass
class CleanRow:
    row: int
    agency: Agency
    item: Item
    answer_yes: bool | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    count: int | None = None
    narrative: str = ""

    @property
    def key(self):
        return (self.agency.pk, self.item.pk)


@dataclass
class ImportPlan:
    """What an import would do: each clean row as new, changed or unchanged."""

    period: Period
    new: list[CleanRow] = field(default_factory=list)
    changed: list[tuple[CleanRow, Submission]] = field(default_factory=list)
    unchanged: list[tuple[CleanRow, Submission]] = field(default_factory=list)

    @property
    def total(self):
        return len(self.new) + len(self.changed) + len(self.unchanged)


# ---- reading ---------------------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts of trimmed text keyed by the header's columns."""
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
    missing = [c for c in HEADER if c not in header]
    extra = [c for c in header if c and c not in HEADER]
    if missing or extra:
        parts = []
        if missing:
            parts.append(_("kolom hilang: %(columns)s") % {"columns": ", ".join(missing)})
        if extra:
            parts.append(_("kolom tidak dikenal: %(columns)s") % {"columns": ", ".join(extra)})
        message = _("%(problems)s (judul harus %(header)s)") % {
            "problems": "; ".join(parts),
            "header": ",".join(HEADER),
        }
        raise ImportRejected([RowError(1, None, message)])
    if len(table) - 1 > MAX_ROWS:
        raise ImportRejected(
            [RowError(1, None, _("terlalu banyak baris (maksimal %(max)s)") % {"max": MAX_ROWS})]
        )
    rows = []
    for cells in table[1:]:
        cells = list(cells) + [""] * (len(header) - len(cells))
        rows.append({name: _text(cells[i]) for i, name in enumerate(header) if name})
    return rows


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
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        while rows and not any(_text(c) for c in rows[-1]):
            rows.pop()
        return rows
    finally:
        workbook.close()


# ---- validating ------------------------------------------------------------------------------


def validate_rows(
    rows: list[dict[str, str]], *, period: Period
) -> tuple[list[CleanRow], list[RowError]]:
    """Check every row against the period's framework and assignments; nothing is written."""
    agencies = {a.code.upper(): a for a in Agency.objects.filter(region=period.region)}
    items = {
        i.code.upper(): i
        for i in Item.objects.filter(indicator__cluster__framework=period.framework)
    }
    assigned = set(
        Assignment.objects.filter(agency__region=period.region).values_list("agency_id", "item_id")
    )
    clean, errors, seen = [], [], {}
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
        agency = agencies.get(row.get("agency", "").upper())
        item = items.get(row.get("item", "").upper())
        if not row.get("agency"):
            row_errors.append(RowError(number, "agency", _("kode OPD kosong")))
        elif agency is None:
            row_errors.append(
                RowError(
                    number,
                    "agency",
                    _("OPD '%(code)s' tidak dikenal di wilayah ini") % {"code": row["agency"]},
                )
            )
        if not row.get("item"):
            row_errors.append(RowError(number, "item", _("kode butir kosong")))
        elif item is None:
            row_errors.append(
                RowError(
                    number,
                    "item",
                    _("butir '%(code)s' tidak ada di %(framework)s")
                    % {"code": row["item"], "framework": period.framework},
                )
            )
        if agency and item:
            if (agency.pk, item.pk) not in assigned:
                row_errors.append(
                    RowError(
                        number,
                        "agency",
                        _("%(agency)s tidak ditugaskan mengisi %(item)s")
                        % {"agency": agency.code, "item": item.code},
                    )
                )
            if (agency.pk, item.pk) in seen:
                row_errors.append(
                    RowError(
                        number,
                        "item",
                        _("%(agency)s %(item)s sudah ada di baris %(row)s")
                        % {
                            "agency": agency.code,
                            "item": item.code,
                            "row": seen[agency.pk, item.pk],
                        },
                    )
                )
            seen.setdefault((agency.pk, item.pk), number)
        if item is not None:
            cleaned, answer_errors = clean_answer(item, row)
            row_errors += [RowError(number, e.column, e.message) for e in answer_errors]
            if not row_errors:
                clean.append(
                    CleanRow(number, agency, item, narrative=row.get("note", ""), **cleaned)
                )
        errors.extend(row_errors)
    return clean, errors


# ---- planning and writing --------------------------------------------------------------------


def import_plan(clean: list[CleanRow], *, period: Period, status: str) -> ImportPlan:
    """Sort clean rows into new, changed and unchanged against what is stored."""
    existing = {
        (s.agency_id, s.item_id): s
        for s in Submission.objects.filter(
            period=period, agency_id__in={r.agency.pk for r in clean}
        )
    }
    plan = ImportPlan(period)
    for row in clean:
        current = existing.get(row.key)
        if current is None:
            plan.new.append(row)
        elif current.status == status and all(
            getattr(current, name) == getattr(row, name) for name in ANSWER_FIELDS
        ):
            plan.unchanged.append((row, current))
        else:
            plan.changed.append((row, current))
    return plan


def values_import(
    *, content: bytes, filename: str, period: Period, status: str, actor=None, dry_run=False
) -> ImportPlan:
    """Read, validate and (unless dry_run) write a value file, all or nothing."""
    try:
        plan = _import(
            content=content,
            filename=filename,
            period=period,
            status=status,
            actor=actor,
            dry_run=dry_run,
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
    logger.info(
        "import %s period=%s file=%s rows=%s new=%s changed=%s unchanged=%s",
        "checked" if dry_run else "written",
        period.pk,
        filename,
        plan.total,
        len(plan.new),
        len(plan.changed),
        len(plan.unchanged),
        extra={
            "event": "import",
            "outcome": "dry_run" if dry_run else "written",
            "period": period.pk,
            "file": filename,
            "rows": plan.total,
            "new": len(plan.new),
            "changed": len(plan.changed),
            "unchanged": len(plan.unchanged),
            "status": status,
            "actor": getattr(actor, "username", None),
        },
    )
    return plan


def _import(*, content, filename, period, status, actor, dry_run) -> ImportPlan:
    if status not in IMPORT_STATUSES:
        raise ImportRejected(
            [RowError(1, None, _("status '%(status)s' tidak boleh diimpor") % {"status": status})]
        )
    if period.locked:
        raise ImportRejected(
            [RowError(1, None, _("periode %(year)s terkunci") % {"year": period.year})]
        )
    rows = read_table(content, filename)
    clean, errors = validate_rows(rows, period=period)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        # Lock the period's row so two imports into one period run one after the other.
        Period.objects.select_for_update().filter(pk=period.pk).first()
        plan = import_plan(clean, period=period, status=status)
        if not dry_run:
            _write(plan, status=status, actor=actor)
            period_id = period.pk
            transaction.on_commit(lambda: score_cache_invalidate(period_id))
    return plan


def _write(plan: ImportPlan, *, status: str, actor) -> None:
    now = timezone.now()
    submitted_at = now if status != Submission.Status.DRAFT else None
    created = [
        Submission(
            agency=row.agency,
            item=row.item,
            period=plan.period,
            answer_yes=row.answer_yes,
            numerator=row.numerator,
            denominator=row.denominator,
            count=row.count,
            narrative=row.narrative,
            status=status,
            updated_by=actor,
            submitted_at=submitted_at,
        )
        for row in plan.new
    ]
    created = bulk_create_with_history(created, Submission, default_user=actor, batch_size=1000)
    if not all(s.pk for s in created):  # backends that do not return keys on bulk insert
        keys = {(s.agency_id, s.item_id) for s in created}
        created = [
            s
            for s in Submission.objects.filter(period=plan.period)
            if (s.agency_id, s.item_id) in keys
        ]
    events = [
        ReviewEvent(
            submission=s,
            action=ReviewEvent.Action.IMPORTED,
            from_status=Submission.Status.DRAFT,
            to_status=status,
            actor=actor,
            created_at=now,
        )
        for s in created
    ]
    changed = []
    for row, submission in plan.changed:
        events.append(
            ReviewEvent(
                submission=submission,
                action=ReviewEvent.Action.IMPORTED,
                from_status=submission.status,
                to_status=status,
                actor=actor,
                created_at=now,
            )
        )
        for name in ANSWER_FIELDS:
            setattr(submission, name, getattr(row, name))
        submission.status = status
        submission.version += 1
        submission.updated_by = actor
        submission.updated_at = now
        submission.submitted_at = submitted_at
        changed.append(submission)
    if changed:
        bulk_update_with_history(
            changed,
            Submission,
            [*ANSWER_FIELDS, "status", "version", "updated_by", "updated_at", "submitted_at"],
            default_user=actor,
            batch_size=1000,
        )
    ReviewEvent.objects.bulk_create(events, batch_size=1000)
